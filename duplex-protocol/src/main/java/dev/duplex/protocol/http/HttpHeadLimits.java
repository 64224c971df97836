package dev.duplex.protocol.http;

/**
 * How much of an HTTP head a {@link HttpHeadParser} accepts before giving up. Immutable; make one
 * with {@link #builder()} or use {@link #DEFAULT}.
 *
 * <p>The limits bound memory per connection before the handshake is done, which is when an
 * attacker's connections cost the server the most and the least is known about them.
 */
public final class HttpHeadLimits {
    /** 8 KiB of head, 100 header lines: room for real browsers' cookies, little for abuse. */
    public static final HttpHeadLimits DEFAULT = builder().build();

    private final int maxHeadBytes;
    private final int maxHeaderCount;

    private HttpHeadLimits(Builder b) {
        this.maxHeadBytes = b.maxHeadBytes;
        this.maxHeaderCount = b.maxHeaderCount;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The most bytes a head may have, start line and final blank line included. */
    public int maxHeadBytes() {
        return maxHeadBytes;
    }

    /** The most header lines a head may have; repeated names count once per line. */
    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    @Override
    public String toString() {
        return "HttpHeadLimits[maxHeadBytes=" + maxHeadBytes + ", maxHeaderCount=" + maxHeaderCount + "]";
    }

    /** Builds {@link HttpHeadLimits}; not thread-safe, the result is. */
    public static final class Builder {
        private int maxHeadBytes = 8 * 1024;
        private int maxHeaderCount = 100;

        private Builder() {}

        /**
         * @param bytes at least 16 (the shortest start line and blank line need that much)
         */
        public Builder maxHeadBytes(int bytes) {
            if (bytes < 16) {
                throw new IllegalArgumentException("maxHeadBytes must be at least 16, was " + bytes);
            }
            this.maxHeadBytes = bytes;
            return this;
        }

        /** @param count zero or more */
        public Builder maxHeaderCount(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("maxHeaderCount must not be negative, was " + count);
            }
            this.maxHeaderCount = count;
            return this;
        }

        public HttpHeadLimits build() {
            return new HttpHeadLimits(this);
        }
    }
}
