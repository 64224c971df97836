package dev.duplex.protocol;

import dev.duplex.protocol.frame.MaskKeys;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.nio.ByteBuffer;

/**
 * Limits and choices for one protocol {@link Connection}. Immutable; make one with
 * {@link #builder()} and share it between connections.
 *
 * <p>Defaults are safe for a library: messages and frames up to 1 MiB, whole-message delivery,
 * automatic pong.
 */
public final class ProtocolConfig {
    /** The default limit on a message's size: 1 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;

    private final long maxMessageSize;
    private final long maxFrameSize;
    private final boolean deliverParts;
    private final boolean autoPong;
    private final java.util.function.Supplier<IntSupplier> maskKeys;
    private final IntFunction<ByteBuffer> maskedPayloadAllocator;

    private ProtocolConfig(Builder b) {
        this.maxMessageSize = b.maxMessageSize;
        this.maxFrameSize = b.maxFrameSize < 0 ? b.maxMessageSize : b.maxFrameSize;
        this.deliverParts = b.deliverParts;
        this.autoPong = b.autoPong;
        this.maskKeys = b.maskKeys;
        this.maskedPayloadAllocator = b.maskedPayloadAllocator;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static ProtocolConfig defaults() {
        return builder().build();
    }

    /** The largest message accepted, in bytes after any extension decoding; larger ones fail with 1009. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** The largest frame payload accepted, as declared on the wire; larger ones fail with 1009. */
    public long maxFrameSize() {
        return maxFrameSize;
    }

    /** Whether data messages are delivered as a stream of parts instead of one buffer. */
    public boolean deliverParts() {
        return deliverParts;
    }

    /** Whether a ping is answered with a pong automatically. */
    public boolean autoPong() {
        return autoPong;
    }

    IntSupplier newMaskKeys() {
        return maskKeys.get();
    }

    IntFunction<ByteBuffer> maskedPayloadAllocator() {
        return maskedPayloadAllocator;
    }

    /** Builds a {@link ProtocolConfig}. */
    public static final class Builder {
        private long maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private long maxFrameSize = -1;
        private boolean deliverParts;
        private boolean autoPong = true;
        private java.util.function.Supplier<IntSupplier> maskKeys = MaskKeys::new;
        private IntFunction<ByteBuffer> maskedPayloadAllocator = ByteBuffer::allocate;

        private Builder() {}

        /** The largest message accepted (default 1 MiB); checked before anything is buffered. */
        public Builder maxMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMessageSize must be >= 0, was " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /** The largest frame payload accepted (default: the message limit). */
        public Builder maxFrameSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxFrameSize must be >= 0, was " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * Deliver data messages as parts, as their bytes arrive, instead of one buffer per
         * message: for large messages that should not be held in memory whole. The size limit
         * still applies to the whole message.
         */
        public Builder deliverParts(boolean parts) {
            this.deliverParts = parts;
            return this;
        }

        /** Answer pings with pongs automatically (default true). */
        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        /**
         * Where client-role masking keys come from (default: {@link MaskKeys}, drawn from
         * {@link java.security.SecureRandom}). Tests pin the key with this; production code
         * should leave it alone.
         */
        public Builder maskKeys(java.util.function.Supplier<IntSupplier> perConnection) {
            this.maskKeys = Objects.requireNonNull(perConnection, "perConnection");
            return this;
        }

        /**
         * Allocates the buffers that hold masked payloads in the client role (default: heap
         * buffers). A transport may supply pooled direct buffers.
         */
        public Builder maskedPayloadAllocator(IntFunction<ByteBuffer> allocator) {
            this.maskedPayloadAllocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        public ProtocolConfig build() {
            return new ProtocolConfig(this);
        }
    }
}
