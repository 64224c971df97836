package dev.duplex.internal;

/**
 * A hashed timer wheel owned by one event loop: O(1) to schedule and cancel, and one pass over a
 * bucket per tick. Connections use it for handshake, idle, ping and close timeouts, so that ten
 * thousand connections cost no scheduler tasks. Not thread-safe: only the loop thread uses it.
 *
 * <p>Deadlines are rounded up to the next tick; a timer never fires early.
 */
public final class TimerWheel {

    /** A scheduled action; reschedule or cancel it through the wheel. */
    public static final class Timer {
        private final Runnable action;
        private long deadlineTick = -1;
        private Timer prev;
        private Timer next;
        private Timer nextExpired;
        /** The bucket it sits in, {@link #IDLE} or {@link #EXPIRING}. */
        private int bucket = IDLE;

        public Timer(Runnable action) {
            this.action = action;
        }

        /** Whether the timer is scheduled and has not fired. */
        public boolean isScheduled() {
            return bucket != IDLE;
        }
    }

    private static final int IDLE = -1;
    private static final int EXPIRING = -2;

    private final long tickNanos;
    private final Timer[] buckets;
    private final int mask;
    private final long startNanos;
    private long currentTick;
    private int size;

    /**
     * @param tickNanos   the resolution
     * @param bucketsLog2 log2 of the number of buckets
     * @param nowNanos    the clock now ({@link System#nanoTime()})
     */
    public TimerWheel(long tickNanos, int bucketsLog2, long nowNanos) {
        this.tickNanos = tickNanos;
        this.buckets = new Timer[1 << bucketsLog2];
        this.mask = buckets.length - 1;
        this.startNanos = nowNanos;
    }

    /** Schedules (or reschedules) {@code t} to fire {@code delayNanos} after {@code nowNanos}. */
    public void schedule(Timer t, long delayNanos, long nowNanos) {
        cancel(t);
        long tick = ceilDiv(nowNanos - startNanos + Math.max(0, delayNanos), tickNanos);
        if (tick <= currentTick) {
            tick = currentTick + 1;
        }
        t.deadlineTick = tick;
        int b = (int) (tick & mask);
        t.bucket = b;
        t.prev = null;
        t.next = buckets[b];
        if (t.next != null) {
            t.next.prev = t;
        }
        buckets[b] = t;
        size++;
    }

    /** Cancels {@code t} if it is scheduled. */
    public void cancel(Timer t) {
        if (t.bucket == EXPIRING) {
            t.bucket = IDLE; // due in this advance() but not run yet: now it won't be
            return;
        }
        if (t.bucket == IDLE) {
            return;
        }
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            buckets[t.bucket] = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.bucket = IDLE;
        size--;
    }

    /** Fires every timer whose deadline has passed by {@code nowNanos}. */
    public void advance(long nowNanos) {
        long target = (nowNanos - startNanos) / tickNanos;
        if (target <= currentTick) {
            return;
        }
        // After a long pause (GC, a suspended VM) one round over the buckets sees every timer.
        long steps = Math.min(target - currentTick, buckets.length);
        long from = currentTick;
        currentTick = target;
        // Unlink every due timer first, then run them: an action may schedule or cancel others.
        Timer expired = null;
        for (long i = 1; i <= steps; i++) {
            int b = (int) ((from + i) & mask);
            Timer t = buckets[b];
            while (t != null) {
                Timer next = t.next;
                if (t.deadlineTick <= target) {
                    cancel(t);
                    t.bucket = EXPIRING;
                    t.nextExpired = expired;
                    expired = t;
                }
                t = next;
            }
        }
        while (expired != null) {
            Timer t = expired;
            expired = t.nextExpired;
            t.nextExpired = null;
            if (t.bucket == EXPIRING) {
                t.bucket = IDLE;
                t.action.run();
            }
        }
    }

    /** Nanoseconds until the next tick, or -1 when nothing is scheduled. */
    public long nanosToNextTick(long nowNanos) {
        if (size == 0) {
            return -1;
        }
        return Math.max(0, (currentTick + 1) * tickNanos - (nowNanos - startNanos));
    }

    /** How many timers are scheduled. */
    public int size() {
        return size;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
