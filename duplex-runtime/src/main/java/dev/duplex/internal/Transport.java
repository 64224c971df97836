package dev.duplex.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Moves plaintext bytes over one socket: directly, or through TLS. Used by the connection's event
 * loop thread only.
 */
public interface Transport {

    /** The socket underneath. */
    SocketChannel channel();

    /**
     * Reads plaintext into {@code dst}.
     *
     * @return bytes read, 0 when nothing is available now, -1 once the peer ended the stream
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes as much of {@code srcs[offset, offset+length)} as the socket takes now.
     *
     * @return plaintext bytes consumed
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /**
     * Plaintext bytes that {@link #write} consumed but whose encoding has not reached the socket
     * yet (TLS records still in the transport's own buffer). A send counts as written only once
     * these are out. May overstate, never understate.
     */
    default long unsentPlaintext() {
        return 0;
    }

    /** Whether the transport holds output of its own (TLS records, handshake messages) not yet written. */
    default boolean hasPendingOutput() {
        return false;
    }

    /** Writes the transport's own pending output; returns true when none is left. */
    default boolean flushPendingOutput() throws IOException {
        return true;
    }

    /**
     * Whether bytes already taken from the socket still wait to be returned by {@link #read}
     * (complete TLS records, say): the socket will not signal readiness for them again.
     */
    default boolean hasBufferedInput() {
        return false;
    }

    /** Whether the transport is ready for application data (a TLS handshake may still run). */
    default boolean isReady() {
        return true;
    }

    /** Starts an orderly close of the transport's own layer (TLS close_notify); the socket stays open. */
    default void shutdownOutput() throws IOException {}

    /** Releases what the transport holds; the socket is closed by the caller. */
    default void release() {}
}
