package dev.duplex.redis;

import dev.duplex.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RedisBridge} talks to Redis: channel prefix, limits, timeouts, reconnection.
 * Immutable; {@link #defaults()} or {@link #builder()}.
 *
 * <p>Every node that shares topics must use the same {@link #channelPrefix()} and should use the
 * same {@link #maxMessageBytes()}: the limit is checked when a node publishes and again when it
 * receives.
 */
public final class RedisBridgeOptions {
    private final String channelPrefix;
    private final int maxMessageBytes;
    private final int maxQueuedMessages;
    private final long maxQueuedBytes;
    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final Duration healthCheckInterval;
    private final Backoff reconnectBackoff;
    private final boolean requireRedisAtStart;

    private RedisBridgeOptions(Builder b) {
        this.channelPrefix = b.channelPrefix;
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxQueuedMessages = b.maxQueuedMessages;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.connectTimeout = b.connectTimeout;
        this.commandTimeout = b.commandTimeout;
        this.healthCheckInterval = b.healthCheckInterval;
        this.reconnectBackoff = b.reconnectBackoff;
        this.requireRedisAtStart = b.requireRedisAtStart;
    }

    /**
     * Prefix {@code duplex:}; 1 MiB messages; at most 16,384 messages or 32 MiB waiting for Redis;
     * 2 s to connect and for each command; a health check every second; reconnect after 200 ms
     * doubling up to 10 s; Redis must answer at start.
     */
    public static RedisBridgeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Put before a topic's name to make its Redis channel: {@code duplex:news} for topic {@code news}. */
    public String channelPrefix() {
        return channelPrefix;
    }

    /** The largest payload (bytes, before framing) carried through Redis; larger ones stay local. */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** How many published messages may wait for Redis before more are dropped. */
    public int maxQueuedMessages() {
        return maxQueuedMessages;
    }

    /** How many bytes of published messages may wait for Redis before more are dropped. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a command (a PUBLISH, a PING) may take before the connection is taken for lost. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** How often an idle connection is checked with a PING. */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    public Backoff reconnectBackoff() {
        return reconnectBackoff;
    }

    /**
     * Whether {@link RedisBridge#connect} fails when Redis does not answer (true), or starts
     * without it and keeps trying (false).
     */
    public boolean requireRedisAtStart() {
        return requireRedisAtStart;
    }

    /** Builds {@link RedisBridgeOptions}; every setter checks its value at once. */
    public static final class Builder {
        private String channelPrefix = "duplex:";
        private int maxMessageBytes = 1024 * 1024;
        private int maxQueuedMessages = 16_384;
        private long maxQueuedBytes = 32L * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration commandTimeout = Duration.ofSeconds(2);
        private Duration healthCheckInterval = Duration.ofSeconds(1);
        private Backoff reconnectBackoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10), 2.0);
        private boolean requireRedisAtStart = true;

        private Builder() {
        }

        /** See {@link RedisBridgeOptions#channelPrefix()}; may be empty when Redis serves nothing else. */
        public Builder channelPrefix(String prefix) {
            this.channelPrefix = Objects.requireNonNull(prefix, "channelPrefix");
            return this;
        }

        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = positive("maxMessageBytes", bytes);
            return this;
        }

        public Builder maxQueuedMessages(int messages) {
            this.maxQueuedMessages = positive("maxQueuedMessages", messages);
            return this;
        }

        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxQueuedBytes must be at least 1, was " + bytes);
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = millis("connectTimeout", timeout);
            return this;
        }

        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = millis("commandTimeout", timeout);
            return this;
        }

        public Builder healthCheckInterval(Duration interval) {
            this.healthCheckInterval = millis("healthCheckInterval", interval);
            return this;
        }

        public Builder reconnectBackoff(Backoff backoff) {
            this.reconnectBackoff = Objects.requireNonNull(backoff, "reconnectBackoff");
            return this;
        }

        public Builder requireRedisAtStart(boolean require) {
            this.requireRedisAtStart = require;
            return this;
        }

        public RedisBridgeOptions build() {
            return new RedisBridgeOptions(this);
        }

        private static int positive(String what, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, was " + n);
            }
            return n;
        }

        private static Duration millis(String what, Duration d) {
            Objects.requireNonNull(d, what);
            // Jedis takes int milliseconds; zero would mean "wait forever", which is what this avoids.
            if (d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " must be from 1 ms to about 24 days, was " + d);
            }
            return d;
        }
    }
}
