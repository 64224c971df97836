package dev.duplex.protocol.frame;

import java.security.SecureRandom;
import java.util.function.IntSupplier;

/**
 * Fresh masking keys for the client role, from a strong source of entropy as RFC 6455 §5.3
 * requires, drawn 64 keys at a time so that a key costs a few nanoseconds rather than a call
 * into {@link SecureRandom} per frame. Not thread-safe: one per connection or per event loop.
 */
public final class MaskKeys implements IntSupplier {
    private final SecureRandom random;
    private final byte[] pool = new byte[256];
    private int next = pool.length;

    public MaskKeys() {
        this(new SecureRandom());
    }

    public MaskKeys(SecureRandom random) {
        this.random = random;
    }

    @Override
    public int getAsInt() {
        if (next == pool.length) {
            random.nextBytes(pool);
            next = 0;
        }
        int key = ((pool[next] & 0xFF) << 24) | ((pool[next + 1] & 0xFF) << 16)
                | ((pool[next + 2] & 0xFF) << 8) | (pool[next + 3] & 0xFF);
        next += 4;
        return key;
    }
}
