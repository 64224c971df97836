package dev.duplex.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.cli.bench.Bench.Meter;
import dev.duplex.cli.bench.RawClient.Conn;
import dev.duplex.cli.bench.RawClient.Loop;
import dev.duplex.cli.bench.RawClient.Senders;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Per-loop counts and latencies, read by another thread while the loops write: nothing lost, nothing twice. */
class MeterTest {
    @Test
    void intervalsReadWhileLoopsRecordAddUpToEverything() throws Exception {
        int loops = 2;
        int perLoop = 300_000;
        Meter m = new Meter(loops);
        m.measuring = true;
        Histogram expected = new Histogram(Meter.MAX_MICROS, 2);
        Thread[] writers = new Thread[loops];
        long[] expectedBytes = new long[1];
        for (int i = 0; i < loops; i++) {
            Loop loop = new Loop(i); // never started: only its index matters here
            Conn c = new Conn(loop, null, null, Senders.LOOP);
            SplittableRandom r = new SplittableRandom(i);
            long[] values = new long[perLoop];
            int[] lengths = new int[perLoop];
            for (int j = 0; j < perLoop; j++) {
                values[j] = r.nextInt(3) == 0 ? -1 : r.nextLong(1, 5_000_000_000L); // some without a stamp
                lengths[j] = r.nextInt(1, 100);
                expectedBytes[0] += lengths[j];
                if (values[j] >= 0) {
                    expected.recordValue(Math.min(values[j] / 1000, Meter.MAX_MICROS));
                }
            }
            writers[i] = new Thread(() -> {
                for (int j = 0; j < perLoop; j++) {
                    m.message(c, lengths[j], values[j]);
                    if (j % 17 == 16 || j == perLoop - 1) { // reads of 17 messages, more than one read's worth held at times
                        m.afterRead(c);
                    }
                }
            });
        }
        Histogram seen = new Histogram(Meter.MAX_MICROS, 2);
        Histogram window = new Histogram(Meter.MAX_MICROS, 2);
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            long last = 0;
            while (!done.get()) {
                m.interval(window);
                seen.add(window);
                long n = m.total();
                assertThat(n).isGreaterThanOrEqualTo(last); // counts only grow
                last = n;
            }
        });
        reader.start();
        for (Thread w : writers) {
            w.start();
        }
        for (Thread w : writers) {
            w.join();
        }
        done.set(true);
        reader.join();
        m.interval(window);
        seen.add(window);
        assertThat(m.total()).isEqualTo((long) loops * perLoop);
        assertThat(m.totalBytes()).isEqualTo(expectedBytes[0]);
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void nothingIsRecordedOutsideTheMeasurement() throws Exception {
        Meter m = new Meter(1);
        Conn c = new Conn(new Loop(0), null, null, Senders.LOOP);
        m.message(c, 10, 5_000);
        m.afterRead(c);
        Histogram h = new Histogram(Meter.MAX_MICROS, 2);
        m.interval(h);
        assertThat(h.getTotalCount()).isZero();
        assertThat(m.total()).isEqualTo(1);
        m.measuring = true;
        m.message(c, 10, 5_000);
        m.message(c, 10, -1);
        m.afterRead(c);
        m.interval(h);
        assertThat(h.getTotalCount()).isEqualTo(1);
        assertThat(h.getMaxValue()).isEqualTo(5);
        assertThat(m.totalBytes()).isEqualTo(30);
    }
}
