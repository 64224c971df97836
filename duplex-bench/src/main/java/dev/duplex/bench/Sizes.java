package dev.duplex.bench;

/**
 * Shared inputs. Every benchmark here takes the same sizes, 32 B (a chat message), 1 KiB, 64 KiB
 * and 1 MiB, written out in each {@code @Param} (annotations need literals), so results line up.
 */
final class Sizes {
    /** The masking key used throughout: asymmetric, so a byte-order slip changes the output. */
    static final int KEY = 0x37FA_213D;

    private Sizes() {}

    /** Deterministic, non-zero, non-repeating-every-4 bytes. */
    static byte[] pattern(int size) {
        byte[] a = new byte[size];
        int x = 0x9E37_79B9;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            a[i] = (byte) x;
        }
        return a;
    }
}
