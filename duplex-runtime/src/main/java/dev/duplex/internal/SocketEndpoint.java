package dev.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket on one event loop: reads into the loop's shared buffer and hands the bytes to the
 * current {@link Stage} (HTTP head, then WebSocket), and writes what the stage queues with one
 * gathering write per loop pass. It holds no buffer while idle: reads use the loop's buffer and
 * outbound chunks go back to the pool once written.
 */
public final class SocketEndpoint implements EventLoop.Handler, EventLoop.Flushable, Transport {
    private static final Logger log = LoggerFactory.getLogger(SocketEndpoint.class);
    /** Reads per readiness event before other connections get their turn. */
    private static final int READS_PER_EVENT = 16;
    /** How long a closing socket keeps reading (and dropping) what the peer still sends. */
    private static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    /** What the bytes read mean at the moment: an HTTP exchange, then a WebSocket session. */
    public interface Stage {
        /** Bytes read; the buffer is the loop's and is reused after the call. Consume what you need. */
        void onData(ByteBuffer in);

        /** The peer ended its side of the stream. */
        void onEnd();

        /** Queued output was written; {@code pending} bytes are still waiting. */
        default void onFlushed(long pending) {}

        /** The socket is closed; {@code cause} is the I/O error that closed it, or null. Called once. */
        void onTransportClosed(Throwable cause);
    }

    private final EventLoop loop;
    private final SocketChannel channel;
    /** TLS, or this endpoint itself for ws:// (bytes go to the socket as they are; no object for it). */
    private final Transport transport;
    /** Made by the first write and dropped once a settled connection has written everything. */
    private OutboundQueue out;
    private SelectionKey key;
    private Stage stage;
    private boolean flushScheduled;
    private boolean closeAfterFlush;
    private boolean lingering;
    private TimerWheel.Timer lingerTimer;
    private boolean closed;
    private boolean readingPaused;
    private boolean trimWhenDrained;

    /**
     * @param tls the TLS layer over {@code channel}, or null for plain ws://
     */
    public SocketEndpoint(EventLoop loop, SocketChannel channel, Transport tls) {
        this.loop = loop;
        this.channel = channel;
        this.transport = tls != null ? tls : this;
    }

    private OutboundQueue queue() {
        OutboundQueue q = out;
        if (q == null) {
            q = new OutboundQueue(loop.pool(), EventLoop.READ_BUFFER_BYTES);
            out = q;
        }
        return q;
    }

    /** Registers for reading with {@code first} as the stage; call on the loop. */
    public void start(Stage first) throws IOException {
        this.stage = first;
        this.key = loop.register(transport.channel(), SelectionKey.OP_READ, this);
        if (transport.hasPendingOutput()) {
            scheduleFlush();
        }
    }

    /** Lets the outbound queue go once what is queued now has been written. */
    public void trimWhenDrained() {
        trimWhenDrained = true;
    }

    /** Switches what incoming bytes mean (after the HTTP upgrade). */
    public void stage(Stage next) {
        this.stage = next;
    }

    public EventLoop loop() {
        return loop;
    }

    public Transport transport() {
        return transport;
    }

    // The plain transport, used when there is no TLS.

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return length == 1 ? channel.write(srcs[offset]) : channel.write(srcs, offset, length);
    }

    @Override
    public void onReady(SelectionKey k) {
        try {
            int ready = k.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                flushNow();
            }
            if ((ready & SelectionKey.OP_READ) != 0 && !closed) {
                readAvailable();
            }
        } catch (CancelledKeyException e) {
            closeNow(null);
        }
    }

    private void readAvailable() {
        ByteBuffer buf = loop.readBuffer();
        for (int i = 0; i < READS_PER_EVENT && !closed && !readingPaused; i++) {
            buf.clear();
            int n;
            try {
                n = transport.read(buf);
            } catch (IOException e) {
                closeNow(e);
                return;
            }
            if (n < 0) {
                if (lingering) {
                    closeNow(null);
                    return;
                }
                stage.onEnd();
                break;
            }
            if (n == 0) {
                break;
            }
            loop.stats().add(LoopStats.BYTES_READ, n);
            if (lingering) {
                continue; // closing: what the peer still sends is read only to be dropped
            }
            buf.flip();
            stage.onData(buf);
            if (n < buf.capacity() && !transport.hasBufferedInput()) {
                break; // the socket is drained for now
            }
        }
        // TLS may have handshake records to send, or just became ready for queued data.
        if (!closed && (transport.hasPendingOutput() || (out != null && !out.isEmpty()))) {
            scheduleFlush();
        }
        // Decrypted or complete records already taken from the socket: the selector will not
        // report them, so come back for them after other connections have had their turn.
        if (!closed && !readingPaused && transport.hasBufferedInput()) {
            loop.execute(this::readAvailable);
        }
    }

    /** Queues bytes for the next flush (consuming {@code b}); call on the loop. */
    public void write(ByteBuffer b) {
        if (closed) {
            b.position(b.limit());
            return;
        }
        queue().add(b);
        scheduleFlush();
    }

    /**
     * Queues {@code view} itself, whatever its size, for the next flush; call on the loop. For
     * bytes shared by many connections and never changed (a topic's joined frames): each
     * connection gets its own view, and nothing is copied.
     */
    public void writeShared(ByteBuffer view) {
        if (closed || !view.hasRemaining()) {
            return;
        }
        queue().addShared(view);
        scheduleFlush();
    }

    /** Queues a copy of {@code a[off, off+len)} for the next flush; call on the loop. */
    public void write(byte[] a, int off, int len) {
        if (closed || len == 0) {
            return;
        }
        queue().add(a, off, len);
        scheduleFlush();
    }

    /** The queue, for stages that attach completions to what they wrote. */
    public OutboundQueue outbound() {
        return queue();
    }

    public void scheduleFlush() {
        if (!flushScheduled && !closed) {
            flushScheduled = true;
            loop.flushLater(this);
        }
    }

    @Override
    public void flushNow() {
        flushScheduled = false;
        if (closed) {
            return;
        }
        boolean done;
        OutboundQueue q = out;
        long takenBefore = q == null ? 0 : q.taken();
        try {
            done = transport.flushPendingOutput() && (!transport.isReady() || q == null || q.flush(transport))
                    && transport.flushPendingOutput();
            if (q != null) {
                q.completeSent(transport); // TLS records taken earlier may have just left
                loop.stats().add(LoopStats.BYTES_WRITTEN, q.taken() - takenBefore);
            }
        } catch (IOException e) {
            closeNow(e);
            return;
        }
        if (closed) {
            return;
        }
        boolean drained = done && (out == null || out.isEmpty());
        if (drained && trimWhenDrained && (out == null || out.isSettled())) {
            trimWhenDrained = false;
            out = null;
        }
        interest(SelectionKey.OP_WRITE, !done);
        stage.onFlushed(pending());
        if (drained && closeAfterFlush) {
            linger();
        }
    }

    /**
     * Closes gracefully: sends FIN after the last byte, then reads and drops whatever the peer
     * still sends until it closes too, or for two seconds at most. Closing at once while unread
     * input is pending makes the kernel send RST, and the peer's kernel may then discard our
     * close frame before the peer reads it (a 1009 would arrive as 1006).
     */
    private void linger() {
        if (lingering || closed) {
            return;
        }
        lingering = true;
        try {
            transport.shutdownOutput();
            if (!transport.flushPendingOutput()) {
                transport.flushPendingOutput();
            }
            transport.channel().shutdownOutput();
        } catch (IOException e) {
            closeNow(null);
            return;
        }
        readingPaused = false;
        interest(SelectionKey.OP_READ, true);
        lingerTimer = new TimerWheel.Timer(() -> closeNow(null));
        loop.timers().schedule(lingerTimer, LINGER_NANOS, System.nanoTime());
    }

    /** Closes the socket once everything queued has been written. */
    public void closeAfterFlush() {
        closeAfterFlush = true;
        if (!flushScheduled) {
            scheduleFlush();
        }
    }

    /** Bytes queued and not yet written. */
    public long pending() {
        return out == null ? 0 : out.pending();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops or restarts reading; TCP flow control then holds the peer back. */
    public void pauseReading(boolean paused) {
        readingPaused = paused;
        interest(SelectionKey.OP_READ, !paused);
        if (!paused && !closed && transport.hasBufferedInput()) {
            loop.execute(this::readAvailable);
        }
    }

    /** Closes the socket now, failing whatever is still queued. */
    public void closeNow(Throwable cause) {
        if (closed) {
            return;
        }
        closed = true;
        if (lingerTimer != null) {
            loop.timers().cancel(lingerTimer);
        }
        if (key != null) {
            key.cancel();
        }
        try {
            transport.channel().close();
        } catch (IOException e) {
            log.debug("closing a socket failed", e);
        }
        if (out != null) {
            out.discard(cause != null ? cause : new ClosedChannelException());
        }
        transport.release();
        if (stage != null) {
            stage.onTransportClosed(cause);
        }
    }

    private void interest(int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int next = on ? ops | op : ops & ~op;
        if (next != ops) {
            key.interestOps(next);
        }
    }
}
