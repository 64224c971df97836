package dev.duplex.cli.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The send stamp a text message carries: 16 lowercase hex digits, handled as two longs of 8 ASCII
 * bytes each (the first digit in the most significant byte, i.e. big-endian on the wire), eight
 * digits at a time with shifts and masks instead of a loop per digit. {@link #hexNaive} and
 * {@link #unhexNaive} are the plain per-digit versions the fast ones are tested against.
 */
final class Stamps {
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Stamps() {}

    /** The 8 lowercase hex digits of the low 32 bits of {@code v}, as ASCII bytes packed big-endian. */
    static long hex(long v) {
        long x = v & 0xFFFFFFFFL;
        // spread the 8 nibbles into the 8 bytes, the most significant nibble in the most significant byte
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        // 0-9 -> '0'-'9' (+0x30); 10-15 -> 'a'-'f' (+0x30 + 39): nibble + 6 carries into 0x10 from 10 up
        long letters = ((x + 6 * ONES) & (0x10 * ONES)) >>> 4;
        return x + 0x30 * ONES + 39 * letters;
    }

    /**
     * The value of 8 hex digits (either case) packed big-endian as by {@link #hex}, or -1 when any
     * byte is not a hex digit (as {@link Character#digit(int, int)} with radix 16 decides for a byte).
     */
    static long unhex(long ascii) {
        if ((ascii & HIGH_BITS) != 0) {
            return -1; // not ASCII
        }
        // for 7-bit bytes c, (c + 0x80 - k) sets the byte's top bit exactly when c >= k, with no carry out
        long digits = atLeast(ascii, '0') & ~atLeast(ascii, '9' + 1);
        long lower = ascii | 0x20 * ONES; // 'A'-'F' -> 'a'-'f'; digits keep their value
        long letters = atLeast(lower, 'a') & ~atLeast(lower, 'f' + 1);
        if ((digits | letters) != HIGH_BITS) {
            return -1;
        }
        // '0'-'9' have low nibbles 0-9; 'a'-'f' have 1-6, plus 9 makes 10-15
        long x = (ascii & 0x0F0F0F0F0F0F0F0FL) + 9 * (letters >>> 7);
        // gather the 8 nibbles back into 32 bits
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        return x;
    }

    private static long atLeast(long sevenBitBytes, int k) {
        return (sevenBitBytes + (0x80 - k) * ONES) & HIGH_BITS;
    }

    /** The 16-digit text stamp at {@code b[off..off+16)}, or -1 when those are not all hex digits. */
    static long readText(byte[] b, int off) {
        long hi = unhex((long) BIG_ENDIAN_LONG.get(b, off));
        long lo = unhex((long) BIG_ENDIAN_LONG.get(b, off + 8));
        return (hi | lo) < 0 ? -1 : hi << 32 | lo;
    }

    /** The 8-byte big-endian binary stamp at {@code b[off..off+8)}. */
    static long readBinary(byte[] b, int off) {
        return (long) BIG_ENDIAN_LONG.get(b, off);
    }

    /** Four mask key bytes repeated twice, big-endian: XOR with it masks 8 payload bytes from a multiple of 4. */
    static long mask8(byte[] key) {
        long k = (key[0] & 0xFFL) << 24 | (key[1] & 0xFFL) << 16 | (key[2] & 0xFFL) << 8 | (key[3] & 0xFFL);
        return k << 32 | k;
    }

    // ------------------------------------------------------------------ reference versions

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    /** The 16 lowercase hex digits of {@code v}, one at a time. */
    static byte[] hexNaive(long v) {
        byte[] out = new byte[16];
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (v >>> (60 - 4 * i)) & 0xF];
        }
        return out;
    }

    /** The value of 16 hex digits at {@code b[off..]}, one at a time, or -1 when one is not a digit. */
    static long unhexNaive(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 16; i++) {
            int d = Character.digit(b[off + i], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
