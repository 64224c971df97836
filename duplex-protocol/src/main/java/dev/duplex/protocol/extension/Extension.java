package dev.duplex.protocol.extension;

import dev.duplex.protocol.ProtocolViolation;
import java.nio.ByteBuffer;

/**
 * An extension as negotiated for one connection: it owns some RSV bits and may transform the
 * payload of whole messages, inbound and outbound. permessage-deflate is the model.
 *
 * <p>An instance belongs to one connection and is used by that connection's thread only. The
 * protocol core checks limits, UTF-8 and framing; the extension only transforms bytes.
 */
public interface Extension extends AutoCloseable {

    /** RSV1 as it sits in the first header byte: {@code 0x40}. */
    int RSV1 = 0x40;
    /** RSV2: {@code 0x20}. */
    int RSV2 = 0x20;
    /** RSV3: {@code 0x10}. */
    int RSV3 = 0x10;

    /** The agreed form of the extension, as the server's response header states it. */
    ExtensionOffer agreed();

    /**
     * The RSV bits ({@link #RSV1}, {@link #RSV2}, {@link #RSV3}) this extension may set on the
     * first frame of a data message. A peer that sets a bit no negotiated extension owns fails
     * the connection with 1002.
     */
    int rsvBits();

    /**
     * Whether an inbound message whose first frame carried {@code rsv} is this extension's to
     * decode. Continuation frames must carry no RSV bits; the core enforces that.
     */
    boolean decodes(int rsv);

    /**
     * Decodes one inbound fragment of a message that {@link #decodes} claimed. Decoded bytes go
     * to {@code out}, possibly in several pieces; the sink enforces the message size limit while
     * decoding, so a small fragment that decodes to too much fails before the output is made.
     *
     * @param fragment the fragment's payload, already unmasked; valid only during the call
     * @param last     whether this fragment ends the message
     * @throws ProtocolViolation if the data is corrupt (1007) or the sink refused more (1009)
     */
    void decode(ByteBuffer fragment, boolean last, DecodedSink out) throws ProtocolViolation;

    /**
     * Encodes one outbound message. Returns the message unchanged (with {@code rsv} 0) when the
     * extension chooses not to transform it, for example below a size threshold.
     *
     * @param payload the whole message; the extension must not change its content or position
     * @param text    whether it is a text message
     */
    Encoded encode(ByteBuffer payload, boolean text);

    /**
     * For broadcast: a key naming this extension's outbound encoding when it depends on no
     * per-connection state (permessage-deflate without context takeover, say), or null when it
     * does. A message encoded once by any extension with an equal key may be sent, as is, on
     * every connection whose extension has that key.
     */
    default Object sharedEncodingKey() {
        return null;
    }

    /** Releases what the extension holds (native zlib state, pooled buffers). */
    @Override
    void close();

    /** Receives decoded bytes. */
    @FunctionalInterface
    interface DecodedSink {
        /**
         * Takes the next decoded bytes; they are valid only during the call.
         *
         * @throws ProtocolViolation when the message grows past a limit (1009) or the bytes are
         *                           not valid for the message type (1007)
         */
        void accept(ByteBuffer decoded) throws ProtocolViolation;
    }

    /**
     * An encoded message.
     *
     * @param payload the bytes to frame
     * @param rsv     the RSV bits to set on the message's first frame (0 when not transformed)
     */
    record Encoded(ByteBuffer payload, int rsv) {}
}
