package dev.duplex.protocol;

import java.nio.ByteBuffer;

/** Hex strings for byte vectors in tests, written as the RFC writes them ("0x81 0x05 ..." or "8105..."). */
public final class Hex {
    private Hex() {}

    public static byte[] bytes(String hex) {
        String s = hex.replace("0x", "").replaceAll("[\\s,]", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    public static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(bytes(hex));
    }

    public static String of(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }

    public static String of(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return of(a);
    }
}
