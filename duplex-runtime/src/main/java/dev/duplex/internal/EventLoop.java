package dev.duplex.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread that owns a set of connections: all their protocol state is touched only
 * here, so the hot path takes no locks. Other threads hand it work through {@link #execute},
 * which wakes the selector at most once per batch.
 *
 * <p>Each pass: select, handle ready keys, run queued tasks, fire due timers, then flush every
 * connection that queued output during the pass, so that frames produced while handling one
 * read leave in one gathering write.
 */
public final class EventLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    /** Reacts to readiness of a registered channel. */
    public interface Handler {
        void onReady(SelectionKey key);
    }

    /** Something with output to write at the end of the pass. */
    public interface Flushable {
        void flushNow();
    }

    /** Size of the read buffer the loop's connections share, and of outbound chunks. */
    public static final int READ_BUFFER_BYTES = 256 * 1024;
    public static final int CHUNK_BYTES = 16 * 1024;

    private final String name;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final TimerWheel timers;
    private final BufferPool pool = new BufferPool(CHUNK_BYTES, 256);
    private final LoopStats stats = new LoopStats();
    // Native byte order: unmasking reads it a word at a time, and swapped words do not vectorize.
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES).order(java.nio.ByteOrder.nativeOrder());
    private final CheckedText checkedText = new CheckedText(readBuffer);
    private final ArrayList<Flushable> toFlush = new ArrayList<>();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final java.util.function.Consumer<SelectionKey> handleKey = this::handle;
    private volatile boolean shuttingDown;

    public EventLoop(String name) {
        this.name = name;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a selector for " + name, e);
        }
        this.timers = new TimerWheel(TimeUnit.MILLISECONDS.toNanos(10), 10, System.nanoTime());
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the caller runs on this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop: soon, in submission order. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Registers {@code channel} with this loop's selector; call on the loop. */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        return channel.register(selector, ops, handler);
    }

    /** Asks for {@code f.flushNow()} at the end of this pass; call on the loop. */
    public void flushLater(Flushable f) {
        toFlush.add(f);
    }

    public TimerWheel timers() {
        return timers;
    }

    /** What this loop's connections have done; counted on this loop's thread. */
    public LoopStats stats() {
        return stats;
    }

    public BufferPool pool() {
        return pool;
    }

    /** The buffer every connection of this loop reads into; its content is valid until the next read. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    CheckedText checkedText() {
        return checkedText;
    }

    public String name() {
        return name;
    }

    /** Stops the loop after the current pass; channels still registered are closed. */
    public void shutdown() {
        shuttingDown = true;
        selector.wakeup();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void run() {
        try {
            while (!shuttingDown) {
                pass();
            }
        } catch (ClosedSelectorException e) {
            // shut down underneath us
        } catch (Throwable t) {
            log.error("event loop {} stopped by an unexpected error", name, t);
        } finally {
            closeAll();
            terminated.countDown();
        }
    }

    private void pass() throws IOException {
        long now = System.nanoTime();
        long wait = timers.nanosToNextTick(now);
        wakeupPending.set(false);
        // The Consumer form hands each ready key straight to us: no selected-key set to fill
        // and empty on every pass (a HashSet insertion per ready key otherwise).
        if (!tasks.isEmpty()) {
            selector.selectNow(handleKey);
        } else if (wait < 0) {
            selector.select(handleKey);
        } else {
            selector.select(handleKey, Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + 999_999)));
        }
        wakeupPending.set(true); // until the next select, other threads need not wake us
        runTasks();
        timers.advance(System.nanoTime());
        flushAll();
    }

    private void handle(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        try {
            ((Handler) key.attachment()).onReady(key);
        } catch (Throwable t) {
            log.warn("handler on {} failed", name, t);
        }
    }

    private void runTasks() {
        // Only the tasks present now: a task that queues another must not starve the selector.
        for (int i = tasks.size(); i > 0; i--) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (Throwable t) {
                log.warn("task on {} failed", name, t);
            }
        }
    }

    private void flushAll() {
        for (int i = 0; i < toFlush.size(); i++) {
            try {
                toFlush.get(i).flushNow();
            } catch (Throwable t) {
                log.warn("flush on {} failed", name, t);
            }
        }
        toFlush.clear();
    }

    private void closeAll() {
        try {
            for (SelectionKey key : selector.keys()) {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            selector.close();
        } catch (IOException | ClosedSelectorException ignored) {
            // nothing more to release
        }
    }
}
