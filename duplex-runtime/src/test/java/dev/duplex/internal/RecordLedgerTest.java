package dev.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecordLedgerTest {

    @Test
    void plaintextCountsAsSentOnlyWhenItsWholeRecordIsWritten() {
        RecordLedger ledger = new RecordLedger();
        ledger.wrapped(122, 100); // cipher [0, 122)
        ledger.wrapped(40, 0);    // a control record [122, 162), no plaintext
        ledger.wrapped(72, 50);   // cipher [162, 234)

        assertThat(ledger.unsent()).isEqualTo(150);
        ledger.written(121);
        assertThat(ledger.unsent()).as("one byte of the first record is still buffered").isEqualTo(150);
        ledger.written(1);
        assertThat(ledger.unsent()).isEqualTo(50);
        ledger.written(111);
        assertThat(ledger.unsent()).isEqualTo(50);
        ledger.written(1);
        assertThat(ledger.unsent()).isZero();
    }

    /** A buffer that drains a little at a time and is refilled is never empty; completions must still move. */
    @Test
    void aBufferThatNeverEmptiesStillReleasesWrittenRecords() {
        RecordLedger ledger = new RecordLedger();
        long plainIn = 0;
        long cipherIn = 0;
        long cipherOut = 0;
        for (int i = 0; i < 10_000; i++) {
            int plain = 1 + (i * 37) % 500;
            ledger.wrapped(plain + 22, plain);
            plainIn += plain;
            cipherIn += plain + 22;
            long w = Math.min(cipherIn - cipherOut - 1, 300 + (i * 13) % 400); // always leave a byte behind
            if (w > 0) {
                ledger.written((int) w);
                cipherOut += w;
            }
            // at most the buffered bytes plus the part of one record already written
            assertThat(ledger.unsent()).isPositive().isLessThanOrEqualTo(cipherIn - cipherOut + 500 + 22);
        }
        assertThat(plainIn - ledger.unsent()).as("most of it counted as sent").isGreaterThan(plainIn / 2);
        ledger.written((int) (cipherIn - cipherOut));
        assertThat(ledger.unsent()).isZero();
    }
}
