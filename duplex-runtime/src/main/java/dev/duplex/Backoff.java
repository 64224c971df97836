package dev.duplex;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a reconnecting client waits before attempt {@code n}: exponential growth from
 * {@code initial} by {@code multiplier}, capped at {@code max}, with "full jitter" (a uniformly
 * random wait between zero and that bound) so that many clients dropped at once by a restarting
 * server do not come back in lockstep.
 *
 * @param initial    the bound for the first retry
 * @param max        the largest bound
 * @param multiplier growth per attempt, at least 1
 */
public record Backoff(Duration initial, Duration max, double multiplier) {

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0 || multiplier < 1) {
            throw new IllegalArgumentException("need 0 < initial <= max and multiplier >= 1, got "
                    + initial + ", " + max + ", " + multiplier);
        }
    }

    /** 500 ms doubling up to 30 s. */
    public static Backoff exponential() {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0);
    }

    /** The upper bound of the wait before retry {@code attempt} (0 for the first retry). */
    public long boundMillis(int attempt) {
        double bound = initial.toMillis() * Math.pow(multiplier, Math.min(attempt, 60));
        return (long) Math.min(bound, max.toMillis());
    }

    /** The wait before retry {@code attempt}: uniform in [0, bound]. */
    public long delayMillis(int attempt, RandomGenerator random) {
        long bound = boundMillis(attempt);
        return bound == 0 ? 0 : random.nextLong(bound + 1);
    }
}
