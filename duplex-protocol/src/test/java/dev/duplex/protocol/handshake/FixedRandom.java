package dev.duplex.protocol.handshake;

import java.security.SecureRandom;

/** A "random" source that gives 0, 1, 2, ... so that keys in tests are known in advance. */
final class FixedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private int next;

    static FixedRandom counting() {
        return new FixedRandom();
    }

    @Override
    public void nextBytes(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) next++;
        }
    }
}
