package dev.duplex.redis;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of one message on a Redis channel: a format byte, a kind byte (text or binary), the
 * publishing node's 16-byte id, then the payload unchanged. Binary-safe (Redis strings are byte
 * strings, so nothing is escaped or base64-encoded); text is its UTF-8 bytes.
 *
 * <pre>
 *   0      format  1
 *   1      kind    1 = text, 2 = binary
 *   2..17  node id (random per bridge)
 *   18..   payload
 * </pre>
 */
final class Envelope {
    static final byte FORMAT = 1;
    static final byte TEXT = 1;
    static final byte BINARY = 2;
    static final int NODE_ID_BYTES = 16;
    static final int HEADER = 2 + NODE_ID_BYTES;

    private Envelope() {
    }

    static byte[] encode(byte[] nodeId, boolean text, ByteBuffer payload) {
        byte[] out = new byte[HEADER + payload.remaining()];
        out[0] = FORMAT;
        out[1] = text ? TEXT : BINARY;
        System.arraycopy(nodeId, 0, out, 2, NODE_ID_BYTES);
        payload.duplicate().get(out, HEADER, payload.remaining());
        return out;
    }

    /** Whether {@code body} is a message of a format this version reads. */
    static boolean wellFormed(byte[] body) {
        return body.length >= HEADER && body[0] == FORMAT && (body[1] == TEXT || body[1] == BINARY);
    }

    static boolean isText(byte[] body) {
        return body[1] == TEXT;
    }

    static boolean from(byte[] body, byte[] nodeId) {
        return Arrays.equals(body, 2, HEADER, nodeId, 0, NODE_ID_BYTES);
    }

    static int payloadLength(byte[] body) {
        return body.length - HEADER;
    }
}
