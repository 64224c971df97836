package dev.duplex;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.frame.FrameWriter;
import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A message framed once and sent to many connections: server frames are not masked, so the same
 * bytes serve every subscriber, and with permessage-deflate without context takeover the
 * compressed form is made once too. Immutable and thread-safe; publish it through a
 * {@link Topic} or {@link WebSocket#sendPrepared}.
 */
public final class PreparedMessage {
    static {
        dev.duplex.internal.PreparedFrames.register(new dev.duplex.internal.PreparedFrames.Access() {
            @Override
            public byte[] frameFor(PreparedMessage m, Extension ext) {
                return m.frameFor(ext);
            }

            @Override
            public ByteBuffer payload(PreparedMessage m) {
                return m.payload();
            }
        });
    }

    private final boolean text;
    private final byte[] payload;
    private final byte[] plainFrame;
    private final ConcurrentHashMap<Object, byte[]> encodedFrames = new ConcurrentHashMap<>(2);

    private PreparedMessage(boolean text, byte[] payload) {
        this.text = text;
        this.payload = payload;
        this.plainFrame = frame(0, text ? Opcode.TEXT : Opcode.BINARY, payload, 0, payload.length);
    }

    /** A text message. */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A binary message of {@code data}'s remaining bytes (copied). */
    public static PreparedMessage binary(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.duplicate().get(b);
        return new PreparedMessage(false, b);
    }

    /** A binary message (copied). */
    public static PreparedMessage binary(byte[] data) {
        return new PreparedMessage(false, data.clone());
    }

    public boolean isText() {
        return text;
    }

    /** The payload's size in bytes, before any compression. */
    public int size() {
        return payload.length;
    }

    /**
     * The whole frame (header and payload) for a connection whose outbound extension is
     * {@code ext} (null for none). Encoded at most once per kind of stateless encoding; null
     * when the extension keeps per-connection state and must encode the message itself.
     */
    byte[] frameFor(Extension ext) {
        if (ext == null) {
            return plainFrame;
        }
        Object key = ext.sharedEncodingKey();
        if (key == null) {
            return null;
        }
        return encodedFrames.computeIfAbsent(key, k -> {
            Extension.Encoded e = ext.encode(ByteBuffer.wrap(payload), text);
            byte[] p = new byte[e.payload().remaining()];
            e.payload().duplicate().get(p);
            return frame(e.rsv(), text ? Opcode.TEXT : Opcode.BINARY, p, 0, p.length);
        });
    }

    /** The payload, for connections that must encode it themselves. */
    ByteBuffer payload() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    private static byte[] frame(int rsv, int opcode, byte[] p, int off, int len) {
        ByteBuffer b = ByteBuffer.allocate(FrameWriter.headerLength(len, false) + len);
        FrameWriter.writeHeader(b, true, rsv, opcode, len, false, 0);
        b.put(p, off, len);
        return b.array();
    }
}
