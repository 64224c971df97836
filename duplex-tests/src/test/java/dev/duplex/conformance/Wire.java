package dev.duplex.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 wire format written by hand for the harness: frames are built byte by byte here, never
 * through Duplex's own frame writer, so a bug there cannot hide itself.
 */
final class Wire {
    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private Wire() {}

    /** One frame: header (RFC 6455 §5.2) and payload, masked with a random key when {@code mask}. */
    static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean mask) {
        int len = payload.length;
        int extra = len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8;
        byte[] out = new byte[2 + extra + (mask ? 4 : 0) + len];
        out[0] = (byte) ((fin ? 0x80 : 0) | (rsv & 7) << 4 | (opcode & 0xF));
        int p = 2;
        if (extra == 0) {
            out[1] = (byte) len;
        } else if (extra == 2) {
            out[1] = 126;
            out[2] = (byte) (len >>> 8);
            out[3] = (byte) len;
            p = 4;
        } else {
            out[1] = 127;
            long l = len;
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (l >>> (56 - 8 * i));
            }
            p = 10;
        }
        if (mask) {
            out[1] |= (byte) 0x80;
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            System.arraycopy(key, 0, out, p, 4);
            p += 4;
            for (int i = 0; i < len; i++) {
                out[p + i] = (byte) (payload[i] ^ key[i & 3]);
            }
        } else {
            System.arraycopy(payload, 0, out, p, len);
        }
        return out;
    }

    /** The length of the header {@link #encode} writes for a payload of {@code len} bytes. */
    static int headerLength(int len, boolean mask) {
        return 2 + (len <= 125 ? 0 : len <= 0xFFFF ? 2 : 8) + (mask ? 4 : 0);
    }

    /** A close payload: the code (big-endian) then the reason's bytes; code -1 means no payload. */
    static byte[] closePayload(int code, byte[] reason) {
        if (code < 0) {
            return new byte[0];
        }
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    static byte[] closePayload(int code) {
        return closePayload(code, new byte[0]);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    static String hexOf(byte[] b, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, max); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        if (b.length > max) {
            s.append("...");
        }
        return s.toString();
    }

    /** {@code n} bytes of text: printable ASCII in a pattern (valid UTF-8, compresses well). */
    static byte[] asciiText(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('*' + i % 79);
        }
        return b;
    }

    /** {@code n} bytes of binary: every byte value, in a seeded pseudo-random order. */
    static byte[] binary(int n, long seed) {
        byte[] b = new byte[n];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    static String opcodeName(int op) {
        return switch (op) {
            case CONTINUATION -> "continuation";
            case TEXT -> "text";
            case BINARY -> "binary";
            case CLOSE -> "close";
            case PING -> "ping";
            case PONG -> "pong";
            default -> "opcode " + op;
        };
    }
}
