package dev.duplex.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * An incremental, strict UTF-8 validator (Unicode Table 3-7: no overlong forms, no surrogates,
 * nothing above U+10FFFF).
 *
 * <p>Bytes may arrive in pieces split anywhere, even inside a code point: the validator keeps the
 * state between calls. It reports failure at the first byte that cannot begin or continue a
 * well-formed sequence, which is what lets a text message fail fast (1007) in mid-frame. Runs of
 * ASCII are checked eight bytes at a time.
 */
public final class Utf8Validator {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    private static final int ACCEPT = 0;
    private static final int NEED_1 = 1;
    private static final int NEED_2 = 2;
    private static final int NEED_3 = 3;
    /** After E0: the next byte must be A0..BF (no overlong three-byte forms). */
    private static final int AFTER_E0 = 4;
    /** After ED: the next byte must be 80..9F (no surrogates). */
    private static final int AFTER_ED = 5;
    /** After F0: the next byte must be 90..BF (no overlong four-byte forms). */
    private static final int AFTER_F0 = 6;
    /** After F4: the next byte must be 80..8F (nothing above U+10FFFF). */
    private static final int AFTER_F4 = 7;
    private static final int REJECT = 8;

    private int state = ACCEPT;

    /**
     * Feeds the remaining bytes of {@code buf} without moving its position.
     *
     * @return true while everything fed so far can still be, or is, valid UTF-8
     */
    public boolean feed(ByteBuffer buf) {
        if (state == REJECT) {
            return false;
        }
        int pos = buf.position();
        int end = buf.limit();
        if (buf.hasArray()) {
            int base = buf.arrayOffset();
            state = run(buf.array(), base + pos, base + end, state);
        } else {
            state = run(buf, pos, end, state);
        }
        return state != REJECT;
    }

    /** Feeds {@code a[from, to)}; see {@link #feed(ByteBuffer)}. */
    public boolean feed(byte[] a, int from, int to) {
        if (state != REJECT) {
            state = run(a, from, to, state);
        }
        return state != REJECT;
    }

    /** Whether the bytes fed so far end on a code point boundary and are all valid. */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Whether an invalid byte has been seen. */
    public boolean isRejected() {
        return state == REJECT;
    }

    /** Starts over for a new message. */
    public void reset() {
        state = ACCEPT;
    }

    /** Whether {@code a} as a whole is valid UTF-8. */
    public static boolean isValid(byte[] a) {
        return run(a, 0, a.length, ACCEPT) == ACCEPT;
    }

    /**
     * Cuts {@code s} to at most {@code maxBytes} UTF-8 bytes without splitting a code point, so
     * that a reason always fits a close frame.
     */
    public static String truncate(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) {
            return s;
        }
        int end = maxBytes;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    private static int run(byte[] a, int from, int to, int s) {
        int i = from;
        while (i < to) {
            if (s == ACCEPT) {
                // Skip ASCII eight bytes at a time: the common case for JSON and chat text.
                int end8 = i + ((to - i) & ~7);
                while (i < end8 && ((long) LONG_LE.get(a, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == to) {
                    break;
                }
            }
            s = step(s, a[i] & 0xFF);
            if (s == REJECT) {
                return REJECT;
            }
            i++;
        }
        return s;
    }

    /**
     * The same walk over a direct buffer (the event loops read into one): ASCII is skipped a
     * word at a time here too; the high-bit test does not care about the buffer's byte order.
     */
    private static int run(ByteBuffer buf, int from, int to, int s) {
        int i = from;
        while (i < to) {
            if (s == ACCEPT) {
                int end8 = i + ((to - i) & ~7);
                while (i < end8 && (buf.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == to) {
                    break;
                }
            }
            s = step(s, buf.get(i) & 0xFF);
            if (s == REJECT) {
                return REJECT;
            }
            i++;
        }
        return s;
    }

    private static int step(int s, int b) {
        switch (s) {
            case ACCEPT:
                if (b < 0x80) {
                    return ACCEPT;
                }
                if (b < 0xC2) {
                    return REJECT; // continuation byte without a lead, or overlong C0/C1
                }
                if (b < 0xE0) {
                    return NEED_1;
                }
                if (b == 0xE0) {
                    return AFTER_E0;
                }
                if (b == 0xED) {
                    return AFTER_ED;
                }
                if (b < 0xF0) {
                    return NEED_2;
                }
                if (b == 0xF0) {
                    return AFTER_F0;
                }
                if (b < 0xF4) {
                    return NEED_3;
                }
                if (b == 0xF4) {
                    return AFTER_F4;
                }
                return REJECT; // F5..FF never appear in UTF-8
            case NEED_1:
            case NEED_2:
            case NEED_3:
                return (b & 0xC0) == 0x80 ? s - 1 : REJECT;
            case AFTER_E0:
                return b >= 0xA0 && b <= 0xBF ? NEED_1 : REJECT;
            case AFTER_ED:
                return b >= 0x80 && b <= 0x9F ? NEED_1 : REJECT;
            case AFTER_F0:
                return b >= 0x90 && b <= 0xBF ? NEED_2 : REJECT;
            case AFTER_F4:
                return b >= 0x80 && b <= 0x8F ? NEED_2 : REJECT;
            default:
                return REJECT;
        }
    }
}
