package dev.duplex.protocol.frame;

import java.nio.ByteBuffer;

/**
 * Writes frame headers with the minimal length encoding (RFC 6455 §5.2: 7-bit up to 125, 16-bit
 * up to 65535, 64-bit beyond). Payloads are not copied here: the caller sends them after the
 * header, masked with {@link Masking} in the client role.
 */
public final class FrameWriter {
    private FrameWriter() {}

    /** The header size for a payload of {@code length} bytes. */
    public static int headerLength(long length, boolean masked) {
        int base = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /**
     * Puts a frame header at {@code dst}'s position and advances it.
     *
     * @param rsv     RSV bits as they sit in the first byte (mask {@code 0x70})
     * @param maskKey the masking key, used only when {@code masked}
     */
    public static void writeHeader(ByteBuffer dst, boolean fin, int rsv, int opcode, long length,
                                   boolean masked, int maskKey) {
        if (length < 0) {
            throw new IllegalArgumentException("negative payload length " + length);
        }
        dst.put((byte) ((fin ? 0x80 : 0) | (rsv & 0x70) | (opcode & 0x0F)));
        int maskBit = masked ? 0x80 : 0;
        if (length <= 125) {
            dst.put((byte) (maskBit | (int) length));
        } else if (length <= 0xFFFF) {
            dst.put((byte) (maskBit | 126));
            putBigEndian(dst, length, 2);
        } else {
            dst.put((byte) (maskBit | 127));
            putBigEndian(dst, length, 8);
        }
        if (masked) {
            putBigEndian(dst, maskKey & 0xFFFF_FFFFL, 4);
        }
    }

    /** Network byte order whatever {@code dst}'s own order is. */
    private static void putBigEndian(ByteBuffer dst, long v, int n) {
        for (int shift = 8 * (n - 1); shift >= 0; shift -= 8) {
            dst.put((byte) (v >>> shift));
        }
    }

    /**
     * A whole frame in a new buffer, ready to read: header then payload (masked when
     * {@code masked}). Convenient for control frames and tests; the hot path writes headers and
     * payloads separately to avoid the copy.
     */
    public static ByteBuffer frame(boolean fin, int rsv, int opcode, ByteBuffer payload, boolean masked, int maskKey) {
        int n = payload.remaining();
        ByteBuffer out = ByteBuffer.allocate(headerLength(n, masked) + n);
        writeHeader(out, fin, rsv, opcode, n, masked, maskKey);
        if (masked) {
            Masking.maskCopy(payload.duplicate(), out, maskKey, 0);
        } else {
            out.put(payload.duplicate());
        }
        return out.flip();
    }
}
