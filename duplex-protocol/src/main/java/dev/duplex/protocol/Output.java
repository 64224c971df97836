package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * Where a {@link Connection} puts the frames it sends, in order. A transport queues them for a
 * gathering write; tests collect them.
 */
@FunctionalInterface
public interface Output {
    /**
     * One outgoing frame.
     *
     * @param header  the complete frame header (2–14 bytes); valid only during the call, so copy it
     * @param payload the payload that follows it, already masked in the client role; handed
     *                over: the connection does not touch it again, and the output consumes it
     */
    void frame(ByteBuffer header, ByteBuffer payload);
}
