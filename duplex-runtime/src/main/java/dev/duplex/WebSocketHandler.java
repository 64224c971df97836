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

    /**
     * A part of a text message: override this to receive text as a stream of parts as they
     * arrive instead of whole messages (for messages too large to hold, or to relay them as
     * they come). A handler that overrides it gets every text message this way, and
     * {@link #onText} and {@link #onTextBytes} are not called; binary messages are unaffected
     * (see {@link #onBinaryPart}).
     *
     * <p>Each part is valid UTF-8 made of whole code points, so it can be decoded on its own
     * ({@code StandardCharsets.UTF_8.decode(utf8)}); a code point split between network reads
     * or frames arrives as a short part of its own. A part is what one read brought of one
     * frame (a compressed message: up to 16 KiB of inflated bytes at a time), so part
     * boundaries say nothing about how the peer fragmented the message. Parts may be empty,
     * and the last often is. Bytes that are not UTF-8 close the connection with 1007 before a
     * part containing them is delivered; the parts delivered before were valid, but the
     * message as a whole was not, so do not act on it until {@code last}. The message size
     * limit for parts is the server's (or client's) {@code maxStreamedMessageSize}, 64 MiB by
     * default; past it the connection closes with 1009.
     *
     * <p>The buffer follows the rules of {@link #onBinary}: valid only during the call on the
     * event loop, a copy when the handler runs on an executor.
     *
     * @param last whether this part ends the message; the message counts as received then
     */
    default void onTextPart(WebSocket ws, ByteBuffer utf8, boolean last) {}

    /**
     * A part of a binary message: override this to receive binary messages as a stream of parts
     * as they arrive instead of whole; {@link #onBinary} is then not called, and text messages
     * are unaffected (see {@link #onTextPart}). Parts, their limit and their buffers follow the
     * rules of {@link #onTextPart}.
     *
     * @param last whether this part ends the message
     */
    default void onBinaryPart(WebSocket ws, ByteBuffer data, boolean last) {}

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
