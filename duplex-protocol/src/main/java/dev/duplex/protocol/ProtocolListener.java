package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * Receives what a {@link Connection} reads. Buffers passed in are valid only during the call:
 * copy what you keep. Calls come from the thread that calls {@link Connection#receive}.
 */
public interface ProtocolListener {

    /** A whole text message, as valid UTF-8 bytes. */
    default void onText(ByteBuffer utf8) {}

    /** A whole binary message. */
    default void onBinary(ByteBuffer data) {}

    /**
     * A part of a text message, when {@link ProtocolConfig#deliverTextParts()} is on. Parts come
     * as the bytes arrive: at most one per frame per {@link Connection#receive} call (a
     * compressed message's in pieces of up to 16 KiB as they inflate). Each part is whole,
     * validated code points, so it can be decoded on its own: a code point split between reads or
     * frames is held back and delivered, complete, as a short part of its own. Invalid bytes
     * fail the connection (1007) before any part containing them is delivered, so the parts
     * before them were valid. Parts may be empty, and the last one often is.
     *
     * @param utf8 valid only during the call
     * @param last whether this part ends the message
     */
    default void onTextPart(ByteBuffer utf8, boolean last) {}

    /**
     * A part of a binary message, when {@link ProtocolConfig#deliverBinaryParts()} is on; parts
     * come as for {@link #onTextPart}.
     *
     * @param data valid only during the call
     * @param last whether this part ends the message
     */
    default void onBinaryPart(ByteBuffer data, boolean last) {}

    /** A ping; when {@link ProtocolConfig#autoPong()} is on, its pong is already on its way. */
    default void onPing(ByteBuffer payload) {}

    /** A pong, solicited or not. */
    default void onPong(ByteBuffer payload) {}

    /**
     * The connection is closed, for whatever reason: the closing handshake completed, the peer
     * broke the protocol (we sent it a close frame with the matching code), or the transport
     * ended without a close frame (1006). Called exactly once.
     *
     * @param status       the peer's close status when it sent one, else ours (1002, 1007, 1009
     *                     on violations) or 1006 when the stream ended without a close frame
     * @param closedByPeer whether the peer started the close (or ended the stream)
     */
    default void onClosed(CloseStatus status, boolean closedByPeer) {}
}
