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
 * automatic pong. Messages delivered in parts (see {@link Builder#deliverTextParts}) are never
 * held whole, so they have a limit of their own, {@link #maxStreamedMessageSize()}: 64 MiB by
 * default.
 */
public final class ProtocolConfig {
    /** The default limit on a message's size: 1 MiB. */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 1 << 20;
    /** The default limit on a message delivered in parts: 64 MiB (or the message limit, if larger). */
    public static final long DEFAULT_MAX_STREAMED_MESSAGE_SIZE = 64L << 20;

    private final long maxMessageSize;
    private final long maxFrameSize;
    /** The frame limit as set, or -1: then it follows the limit of the message being read. */
    private final long maxFrameSizeSet;
    private final long maxStreamedMessageSize;
    private final boolean deliverTextParts;
    private final boolean deliverBinaryParts;
    private final boolean autoPong;
    private final java.util.function.Supplier<IntSupplier> maskKeys;
    private final IntFunction<ByteBuffer> maskedPayloadAllocator;

    /** This config with other part choices, made on first use (see {@link #withParts}). */
    private volatile ProtocolConfig[] variants;

    private ProtocolConfig(Builder b) {
        this.maxMessageSize = b.maxMessageSize;
        this.maxFrameSizeSet = b.maxFrameSize;
        this.maxFrameSize = b.maxFrameSize < 0 ? b.maxMessageSize : b.maxFrameSize;
        this.maxStreamedMessageSize = b.maxStreamedMessageSize < 0
                ? Math.max(DEFAULT_MAX_STREAMED_MESSAGE_SIZE, b.maxMessageSize) : b.maxStreamedMessageSize;
        this.deliverTextParts = b.deliverTextParts;
        this.deliverBinaryParts = b.deliverBinaryParts;
        this.autoPong = b.autoPong;
        this.maskKeys = b.maskKeys;
        this.maskedPayloadAllocator = b.maskedPayloadAllocator;
    }

    private ProtocolConfig(ProtocolConfig c, boolean textParts, boolean binaryParts) {
        this.maxMessageSize = c.maxMessageSize;
        this.maxFrameSizeSet = c.maxFrameSizeSet;
        this.maxFrameSize = c.maxFrameSize;
        this.maxStreamedMessageSize = c.maxStreamedMessageSize;
        this.deliverTextParts = textParts;
        this.deliverBinaryParts = binaryParts;
        this.autoPong = c.autoPong;
        this.maskKeys = c.maskKeys;
        this.maskedPayloadAllocator = c.maskedPayloadAllocator;
    }

    /**
     * This config with the given part choices, everything else equal. The same instance is
     * returned for the same choices, so a server that decides per handler whether to stream
     * makes no config per connection.
     */
    public ProtocolConfig withParts(boolean textParts, boolean binaryParts) {
        if (textParts == deliverTextParts && binaryParts == deliverBinaryParts) {
            return this;
        }
        ProtocolConfig[] v = variants;
        if (v == null) {
            v = new ProtocolConfig[4];
            variants = v;
        }
        int i = (textParts ? 1 : 0) | (binaryParts ? 2 : 0);
        ProtocolConfig c = v[i];
        if (c == null) {
            // A race makes two equal configs, which is harmless: they are values.
            c = new ProtocolConfig(this, textParts, binaryParts);
            v[i] = c;
        }
        return c;
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

    /**
     * The largest message accepted when it is delivered in parts, in bytes after any extension
     * decoding; larger ones fail with 1009 as soon as the declared frame lengths (or the decoded
     * bytes) pass it.
     */
    public long maxStreamedMessageSize() {
        return maxStreamedMessageSize;
    }

    /** Whether text messages are delivered as a stream of parts instead of one buffer. */
    public boolean deliverTextParts() {
        return deliverTextParts;
    }

    /** Whether binary messages are delivered as a stream of parts instead of one buffer. */
    public boolean deliverBinaryParts() {
        return deliverBinaryParts;
    }

    /** The limit on a message delivered in parts ({@code parts}) or whole. */
    long messageLimit(boolean parts) {
        return parts ? maxStreamedMessageSize : maxMessageSize;
    }

    /**
     * The limit on one frame of such a message: the frame limit as set, else the message's own
     * limit (a streamed message's frames are not buffered either).
     */
    long frameLimit(boolean parts) {
        return maxFrameSizeSet >= 0 ? maxFrameSizeSet : messageLimit(parts);
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
        private long maxStreamedMessageSize = -1;
        private boolean deliverTextParts;
        private boolean deliverBinaryParts;
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

        /**
         * The largest frame payload accepted (default: the limit of the message it belongs to,
         * {@link #maxMessageSize} or, for a message delivered in parts,
         * {@link #maxStreamedMessageSize}).
         */
        public Builder maxFrameSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxFrameSize must be >= 0, was " + bytes);
            }
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * The largest message accepted when it is delivered in parts (default 64 MiB, or
         * {@link #maxMessageSize} if that is larger). Parts are not held, so this may be far
         * larger than the whole-message limit, but a peer still may not send without end.
         */
        public Builder maxStreamedMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxStreamedMessageSize must be >= 0, was " + bytes);
            }
            this.maxStreamedMessageSize = bytes;
            return this;
        }

        /**
         * Deliver data messages of both kinds as parts, as their bytes arrive, instead of one
         * buffer per message: for large messages that should not be held in memory whole. See
         * {@link #deliverTextParts} and {@link #deliverBinaryParts}.
         */
        public Builder deliverParts(boolean parts) {
            this.deliverTextParts = parts;
            this.deliverBinaryParts = parts;
            return this;
        }

        /**
         * Deliver text messages through {@link ProtocolListener#onTextPart} as their bytes
         * arrive (default false). Each part is whole code points: a code point split between
         * reads or frames is held back (at most 3 bytes) and starts the next part. The size
         * limit is {@link #maxStreamedMessageSize}.
         */
        public Builder deliverTextParts(boolean parts) {
            this.deliverTextParts = parts;
            return this;
        }

        /**
         * Deliver binary messages through {@link ProtocolListener#onBinaryPart} as their bytes
         * arrive (default false). The size limit is {@link #maxStreamedMessageSize}.
         */
        public Builder deliverBinaryParts(boolean parts) {
            this.deliverBinaryParts = parts;
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
