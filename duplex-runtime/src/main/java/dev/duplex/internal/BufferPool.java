package dev.duplex.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size, recycled by one event loop. Connections borrow chunks only while
 * they have bytes waiting to be written, so an idle connection holds none. Not thread-safe.
 */
public final class BufferPool {
    private final int chunkSize;
    private final int maxRetained;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private long borrowed;

    /**
     * @param chunkSize   bytes per buffer
     * @param maxRetained how many free buffers to keep; more are left to the GC
     */
    public BufferPool(int chunkSize, int maxRetained) {
        this.chunkSize = chunkSize;
        this.maxRetained = maxRetained;
    }

    /** A cleared buffer of {@link #chunkSize()} bytes. */
    public ByteBuffer acquire() {
        borrowed++;
        ByteBuffer b = free.pollFirst();
        return b != null ? b.clear() : ByteBuffer.allocateDirect(chunkSize);
    }

    /** Gives a buffer from {@link #acquire()} back. */
    public void release(ByteBuffer b) {
        borrowed--;
        if (free.size() < maxRetained) {
            free.addFirst(b);
        }
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Buffers handed out and not yet given back. */
    public long borrowed() {
        return borrowed;
    }
}
