package dev.duplex.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one event loop's connections have done, counted by the loop's own thread with plain
 * increments (no atomic instruction, no shared cache line with other loops) and read from any
 * thread with opaque reads, which see each count whole and reasonably fresh. Totals since the
 * loop started; a server sums its loops.
 */
public final class LoopStats {
    /** Close codes 1000–1015 are counted one by one; the application ranges each as a whole. */
    public static final int FIRST_CODE = 1000;
    public static final int LAST_CODE = 1015;
    private static final int CODE_3XXX = LAST_CODE - FIRST_CODE + 1;
    private static final int CODE_4XXX = CODE_3XXX + 1;
    private static final int CODE_OTHER = CODE_4XXX + 1;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static final int OPENED = 0;
    static final int MESSAGES_RECEIVED = 1;
    static final int MESSAGES_SENT = 2;
    static final int BYTES_READ = 3;
    static final int BYTES_WRITTEN = 4;
    static final int SLOW_CONSUMERS = 5;
    static final int UPGRADES_REFUSED = 6;
    private static final int COUNTS = 7;

    private final long[] counts = new long[COUNTS];
    private final long[] closes = new long[CODE_OTHER + 1];

    /** Adds {@code n} to count {@code which}; on the loop thread only. */
    void add(int which, long n) {
        counts[which] += n;
    }

    /** One connection closed with {@code code} (as its handler was told); on the loop thread only. */
    void closed(int code) {
        closes[slot(code)]++;
    }

    private long get(int which) {
        return (long) LONGS.getOpaque(counts, which);
    }

    public long opened() {
        return get(OPENED);
    }

    public long upgradesRefused() {
        return get(UPGRADES_REFUSED);
    }

    public long messagesReceived() {
        return get(MESSAGES_RECEIVED);
    }

    public long messagesSent() {
        return get(MESSAGES_SENT);
    }

    public long bytesRead() {
        return get(BYTES_READ);
    }

    public long bytesWritten() {
        return get(BYTES_WRITTEN);
    }

    public long slowConsumers() {
        return get(SLOW_CONSUMERS);
    }

    /** Closes with {@code code}; for 3000–3999 or 4000–4999, closes with any code in that range. */
    public long closes(int code) {
        return (long) LONGS.getOpaque(closes, slot(code));
    }

    private static int slot(int code) {
        if (code >= FIRST_CODE && code <= LAST_CODE) {
            return code - FIRST_CODE;
        }
        if (code >= 3000 && code <= 3999) {
            return CODE_3XXX;
        }
        return code >= 4000 && code <= 4999 ? CODE_4XXX : CODE_OTHER;
    }
}
