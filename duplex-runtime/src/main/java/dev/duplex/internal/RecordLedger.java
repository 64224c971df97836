package dev.duplex.internal;

import java.util.Arrays;

/**
 * Which plaintext the TLS records still waiting to be written carry. A send may count as written
 * only once the records holding its last byte have reached the socket, and a record buffer that
 * drains a little at a time under steady load is never empty: counting per record keeps
 * completions moving where "all sent once the buffer is empty" would hold them back.
 *
 * <p>Counts are totals since the connection began; each record with plaintext is one pair (where
 * its ciphertext ends, where its plaintext ends). The pairs in the ledger are those not yet fully
 * written, so their number is bounded by the record buffer's size.
 */
final class RecordLedger {
    private static final long[] NONE = {};

    private long cipherQueued;
    private long cipherWritten;
    private long plainQueued;
    private long plainSent;
    private long[] ends = NONE; // pairs: cipher end, plain end; empty until the first record with data
    private int head;
    private int tail;

    /** A record of {@code cipher} bytes carrying {@code plain} bytes of plaintext joined the buffer. */
    void wrapped(int cipher, int plain) {
        cipherQueued += cipher;
        if (plain > 0) {
            plainQueued += plain;
            push(cipherQueued, plainQueued);
        }
    }

    /** {@code cipher} bytes from the front of the buffer reached the socket. */
    void written(int cipher) {
        cipherWritten += cipher;
        while (head < tail && ends[2 * head] <= cipherWritten) {
            plainSent = ends[2 * head + 1];
            head++;
        }
        if (head == tail) {
            head = tail = 0;
        }
    }

    /** Plaintext taken into records that have not wholly reached the socket. */
    long unsent() {
        return plainQueued - plainSent;
    }

    private void push(long cipherEnd, long plainEnd) {
        if (2 * tail == ends.length) {
            if (head > 0) {
                System.arraycopy(ends, 2 * head, ends, 0, 2 * (tail - head));
                tail -= head;
                head = 0;
            } else {
                ends = Arrays.copyOf(ends, Math.max(8, ends.length * 2));
            }
        }
        ends[2 * tail] = cipherEnd;
        ends[2 * tail + 1] = plainEnd;
        tail++;
    }
}
