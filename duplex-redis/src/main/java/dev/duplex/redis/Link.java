package dev.duplex.redis;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether both of a bridge's connections (publishing and subscribed) are up, and the outages
 * between: logs once when an outage begins and once when it ends, however many reconnection
 * attempts fail in between.
 */
final class Link {
    static final int PUBLISHER = 1;
    static final int SUBSCRIBER = 2;
    private static final int BOTH = PUBLISHER | SUBSCRIBER;
    private static final Logger log = LoggerFactory.getLogger(RedisBridge.class);

    /** Completes when both connections are first up, or fails with the first failure before that. */
    final CompletableFuture<Void> firstUp = new CompletableFuture<>();
    private final String redis;
    private final boolean quietAtStart;
    private final Runnable onDown;
    private int up;
    private boolean everUp;
    private boolean inOutage;
    private long outageStartNanos;
    private long outages;
    private long reconnects;

    /**
     * @param quietAtStart whether a failure before the first connection is left to the caller of
     *                     connect to report (it throws) rather than logged
     */
    Link(String redis, boolean quietAtStart, Runnable onDown) {
        this.redis = redis;
        this.quietAtStart = quietAtStart;
        this.onDown = onDown;
    }

    synchronized void up(int side) {
        if (up == BOTH) {
            return;
        }
        up |= side;
        if (up != BOTH) {
            return;
        }
        if (inOutage) {
            inOutage = false;
            long ms = (System.nanoTime() - outageStartNanos) / 1_000_000;
            if (everUp) {
                reconnects++;
                log.info("Redis at {} is reachable again after {} ms; topics resubscribed, remote delivery resumed", redis, ms);
            } else {
                log.info("Redis at {} is reachable after {} ms; remote delivery started", redis, ms);
            }
        }
        everUp = true;
        firstUp.complete(null);
    }

    /**
     * One connection failed. Both count as down until each has answered again: when Redis
     * restarts, the other connection is usually dead too but has not noticed yet, and a message
     * sent on it would be lost after the link was reported up.
     */
    void down(int side, Exception cause) {
        boolean wasUp;
        synchronized (this) {
            wasUp = up != 0;
            record(cause);
            up = 0;
        }
        if (wasUp) {
            onDown.run();
        }
    }

    private void record(Exception cause) {
        if (!everUp) {
            firstUp.completeExceptionally(cause);
            if (quietAtStart || inOutage) {
                return;
            }
            inOutage = true;
            outageStartNanos = System.nanoTime();
            log.warn("Redis at {} is unreachable at start ({}); serving local subscribers only, and retrying",
                    redis, describe(cause));
            return;
        }
        if (!inOutage) {
            inOutage = true;
            outages++;
            outageStartNanos = System.nanoTime();
            log.warn("Lost Redis at {} ({}); local delivery continues, messages to and from other nodes are "
                    + "lost until it is back; reconnecting", redis, describe(cause));
        }
    }

    synchronized boolean isUp() {
        return up == BOTH;
    }

    synchronized long outages() {
        return outages;
    }

    synchronized long reconnects() {
        return reconnects;
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && sb.indexOf(t.getMessage()) < 0) {
                if (sb.length() > 0) {
                    sb.append(": ");
                }
                sb.append(t.getMessage());
            }
        }
        return sb.length() > 0 ? sb.toString() : e.getClass().getSimpleName();
    }
}
