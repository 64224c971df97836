package dev.duplex;

import java.nio.ByteBuffer;

/**
 * Receives the events of a WebSocket connection. Every method has a default that does nothing,
 * so a handler implements only what it needs.
 *
 * <p>Calls for one connection never overlap and arrive in order. By default they run on the
 * connection's event loop, so they must not block; a route or client configured with an
 * executor runs them there instead, still in order.
 */
public interface WebSocketHandler {

    /** The handshake completed; the connection is open. */
    default void onOpen(WebSocket ws) {}

    /** A whole text message arrived. */
    default void onText(WebSocket ws, String text) {}

    /**
     * A whole text message arrived, as the UTF-8 bytes it came in (already validated). Override
     * this instead of {@link #onText(WebSocket, String)} to skip decoding, for example to relay
     * or parse the bytes directly; when overridden, {@code onText} is not called. The buffer
     * follows the same rules as {@link #onBinary}, and is read-only when the handler runs on the
     * event loop: sent back unchanged during the call with {@link WebSocket#sendText(ByteBuffer)},
     * its bytes are not checked as UTF-8 a second time.
     */
    default void onTextBytes(WebSocket ws, ByteBuffer utf8) {}

    /**
     * A whole binary message arrived. The buffer is valid only during the call, unless the
     * handler runs on an executor (then it is a copy and may be kept). Passing it to
     * {@link WebSocket#sendBinary(ByteBuffer)} during the call is fine: a send copies what it
     * cannot keep, so an echo needs no copy of its own.
     */
    default void onBinary(WebSocket ws, ByteBuffer data) {}

    /** A ping arrived; its pong has already been sent. The buffer is valid only during the call. */
    default void onPing(WebSocket ws, ByteBuffer payload) {}

    /** A pong arrived. The buffer is valid only during the call. */
    default void onPong(WebSocket ws, ByteBuffer payload) {}

    /** {@link WebSocket#bufferedAmount()} fell back under the low watermark after being over the high one. */
    default void onWritable(WebSocket ws) {}

    /**
     * The connection closed. Called exactly once, after which nothing more arrives.
     *
     * @param code         the peer's close code when it sent one; 1005 for a close frame
     *                     without a code; 1006 when the connection ended without a closing
     *                     handshake; or the code we failed it with (1002, 1007, 1009, ...)
     * @param reason       the reason that came with the code, possibly empty
     * @param closedByPeer whether the peer started the close (or dropped the connection)
     */
    default void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {}

    /**
     * Something went wrong that the application may want to know about: an exception thrown by
     * this handler (the connection is then closed with 1011), or an I/O error (followed by
     * {@link #onClose} with 1006).
     */
    default void onError(WebSocket ws, Throwable error) {}
}
