package dev.duplex.interop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Payloads every peer can make by itself (so 8 MiB never crosses a pipe), and their digests. */
public final class Payloads {
    /** Messages up to this size are reported with their content, larger ones by size and digest. */
    public static final int SMALL = 4096;
    /** 17 UTF-8 bytes: 1-, 2-, 3- and 4-byte sequences. The scripts use the same. */
    public static final String UNIT = "Duplex \u00e9\u20ac\uD834\uDD1E ";
    public static final int BIG = 8 << 20;
    /** Repetitions of {@link #UNIT} for a text of about 8 MiB. */
    public static final int BIG_TEXT_REPS = BIG / 17;
    /** Both sides accept messages up to this size in the large-message tests. */
    public static final long MAX_MESSAGE = 16 << 20;

    private Payloads() {}

    /** Byte i is (i * 31 + 7) mod 256, as in the scripts. */
    public static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    public static String bigText(int reps) {
        return UNIT.repeat(reps);
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
