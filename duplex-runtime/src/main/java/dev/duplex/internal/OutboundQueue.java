package dev.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The bytes a connection has accepted for sending and not yet written, as a list of buffers for
 * one gathering write. Small pieces (frame headers, payloads up to a threshold) are copied into
 * pooled chunks so that many frames leave in one system call; larger payloads are queued by
 * reference, without a copy. Each send's future completes once its last byte reaches the socket.
 *
 * <p>Used by the connection's event loop thread only.
 */
public final class OutboundQueue {
    /** How many buffers one gathering write passes (well under any IOV_MAX). */
    private static final int MAX_WRITE_BUFFERS = 64;
    /** Most of a heap buffer one write passes (the JDK copies each into a direct buffer first). */
    private static final int HEAP_SLICE = 256 * 1024;

    private final BufferPool pool;
    private final int copyThreshold;

    private static final ByteBuffer[] NO_BUFFERS = {};
    private static final boolean[] NO_FLAGS = {};
    private static final long[] NO_ENDS = {};
    private static final CompletableFuture<?>[] NO_FUTURES = {};

    // Empty until first used: most queues are made for one send and dropped once it is written.
    private ByteBuffer[] buffers = NO_BUFFERS;
    private boolean[] pooled = NO_FLAGS;
    private int head;
    private int tail;

    private long[] completionEnds = NO_ENDS;
    private CompletableFuture<?>[] completions = NO_FUTURES;
    private int completionHead;
    private int completionTail;

    private long enqueued;
    /** Bytes the transport consumed. */
    private long written;
    /** Bytes known to be on the socket: {@code written} less what a TLS transport still holds. */
    private long sent;

    /**
     * @param pool          where chunks come from
     * @param copyThreshold payloads up to this size are copied; the event loop's shared read
     *                      buffer is no larger, so a view of it is never kept past the pass
     */
    public OutboundQueue(BufferPool pool, int copyThreshold) {
        this.pool = pool;
        this.copyThreshold = copyThreshold;
    }

    /**
     * Queues {@code src}'s remaining bytes, consuming them. Copies up to the threshold;
     * above it keeps a reference, and the caller must leave the buffer alone until written.
     */
    public void add(ByteBuffer src) {
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        enqueued += n;
        if (n > copyThreshold) {
            push(src, false);
            return;
        }
        while (n > 0) {
            ByteBuffer last = tail > head && pooled[tail - 1] ? buffers[tail - 1] : null;
            int room = last == null ? 0 : last.capacity() - last.limit();
            if (room == 0) {
                last = pool.acquire();
                last.limit(0);
                push(last, true);
                room = last.capacity();
            }
            int k = Math.min(room, n);
            append(last, src, k);
            n -= k;
        }
    }

    /**
     * Queues {@code view}'s remaining bytes by reference, whatever their size: for immutable
     * bytes that many connections send, each through its own view.
     */
    public void addShared(ByteBuffer view) {
        enqueued += view.remaining();
        push(view, false);
    }

    /** Queues a copy of {@code a[off, off+len)}, which the caller may reuse at once. */
    public void add(byte[] a, int off, int len) {
        enqueued += len;
        while (len > 0) {
            ByteBuffer last = tail > head && pooled[tail - 1] ? buffers[tail - 1] : null;
            int room = last == null ? 0 : last.capacity() - last.limit();
            if (room == 0) {
                last = pool.acquire();
                last.limit(0);
                push(last, true);
                room = last.capacity();
            }
            int k = Math.min(room, len);
            int at = last.limit();
            last.limit(at + k);
            last.put(at, a, off, k);
            off += k;
            len -= k;
        }
    }

    private static void append(ByteBuffer chunk, ByteBuffer src, int n) {
        int at = chunk.limit();
        chunk.limit(at + n);
        chunk.put(at, src, src.position(), n);
        src.position(src.position() + n);
    }

    /** Registers {@code f} to complete when every byte queued so far is written. */
    public void completeWhenWritten(CompletableFuture<?> f) {
        if (enqueued == sent) {
            f.complete(null);
            return;
        }
        if (completionTail == completions.length) {
            compactCompletions();
        }
        completionEnds[completionTail] = enqueued;
        completions[completionTail++] = f;
    }

    /**
     * Writes as much as the transport takes now.
     *
     * @return true when everything is written
     */
    public boolean flush(Transport transport) throws IOException {
        while (head < tail) {
            int count = Math.min(tail - head, MAX_WRITE_BUFFERS);
            // The JDK copies a heap buffer whole into a temporary direct buffer before each
            // write, and the kernel then copies that again; megabytes at once leave the cache in
            // between. Slices keep the second copy reading what the first just wrote.
            int clipped = -1;
            int limit = 0;
            for (int i = head; i < head + count; i++) {
                ByteBuffer b = buffers[i];
                if (!b.isDirect() && b.remaining() > HEAP_SLICE) {
                    clipped = i;
                    limit = b.limit();
                    b.limit(b.position() + HEAP_SLICE);
                    count = i - head + 1;
                    break;
                }
            }
            long n;
            try {
                n = transport.write(buffers, head, count);
            } finally {
                if (clipped >= 0) {
                    buffers[clipped].limit(limit);
                }
            }
            written += n;
            releaseWritten();
            completeSent(transport);
            if (n == 0 && head < tail) {
                return false;
            }
        }
        return true; // futures of records a TLS transport still holds: the endpoint's completeSent after its flush
    }

    /**
     * Completes the futures of sends whose every byte is on the socket. Call after the transport
     * wrote output of its own (a TLS transport finishing records it had already taken).
     */
    public void completeSent(Transport transport) {
        sent = written - transport.unsentPlaintext();
        while (completionHead < completionTail && completionEnds[completionHead] <= sent) {
            CompletableFuture<?> f = completions[completionHead];
            completions[completionHead++] = null;
            f.complete(null);
        }
        if (completionHead == completionTail) {
            completionHead = completionTail = 0;
        }
    }

    /** Whether nothing is queued and no future waits: the queue may be dropped. */
    public boolean isSettled() {
        return head == tail && completionHead == completionTail;
    }

    /** Bytes the transport has taken since the queue was made. */
    public long taken() {
        return written;
    }

    /** Bytes accepted and not yet on the socket. */
    public long pending() {
        return enqueued - sent;
    }

    public boolean isEmpty() {
        return head == tail;
    }

    /** Drops everything queued, failing the waiting futures with {@code cause}, and returns chunks to the pool. */
    public void discard(Throwable cause) {
        for (int i = head; i < tail; i++) {
            if (pooled[i]) {
                pool.release(buffers[i]);
            }
            buffers[i] = null;
        }
        head = tail = 0;
        written = sent = enqueued;
        for (int i = completionHead; i < completionTail; i++) {
            completions[i].completeExceptionally(cause);
            completions[i] = null;
        }
        completionHead = completionTail = 0;
    }

    private void releaseWritten() {
        while (head < tail && !buffers[head].hasRemaining()) {
            if (pooled[head]) {
                pool.release(buffers[head]);
            }
            buffers[head++] = null;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    private void push(ByteBuffer b, boolean isPooled) {
        if (tail == buffers.length) {
            if (head > 0) {
                int n = tail - head;
                System.arraycopy(buffers, head, buffers, 0, n);
                System.arraycopy(pooled, head, pooled, 0, n);
                java.util.Arrays.fill(buffers, n, tail, null);
                head = 0;
                tail = n;
            }
            if (tail == buffers.length) {
                int grown = Math.max(8, buffers.length * 2);
                buffers = java.util.Arrays.copyOf(buffers, grown);
                pooled = java.util.Arrays.copyOf(pooled, grown);
            }
        }
        buffers[tail] = b;
        pooled[tail++] = isPooled;
    }

    private void compactCompletions() {
        int n = completionTail - completionHead;
        if (completionHead > 0) {
            System.arraycopy(completionEnds, completionHead, completionEnds, 0, n);
            System.arraycopy(completions, completionHead, completions, 0, n);
            java.util.Arrays.fill(completions, n, completionTail, null);
            completionHead = 0;
            completionTail = n;
        }
        if (completionTail == completions.length) {
            completionEnds = java.util.Arrays.copyOf(completionEnds, Math.max(8, n * 2));
            completions = java.util.Arrays.copyOf(completions, Math.max(8, n * 2));
        }
    }
}
