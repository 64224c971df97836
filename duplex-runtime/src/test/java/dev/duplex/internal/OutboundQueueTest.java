package dev.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The outbound queue against a transport that takes what it is given, or only part of it. */
class OutboundQueueTest {

    /** Records every byte written and the largest heap buffer one write was handed. */
    static class RecordingTransport implements Transport {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        final List<Integer> heapSizesPassed = new ArrayList<>();
        final int maxPerWrite;

        RecordingTransport(int maxPerWrite) {
            this.maxPerWrite = maxPerWrite;
        }

        @Override
        public SocketChannel channel() {
            return null;
        }

        @Override
        public int read(ByteBuffer dst) {
            return 0;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long budget = maxPerWrite;
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!srcs[i].isDirect()) {
                    heapSizesPassed.add(srcs[i].remaining());
                }
                int k = (int) Math.min(budget - n, srcs[i].remaining());
                byte[] b = new byte[k];
                srcs[i].get(b);
                written.write(b, 0, k);
                n += k;
                if (n == budget) {
                    break;
                }
            }
            return n;
        }
    }

    @Test
    void largeHeapBuffersGoOutInSlicesWithEveryByteInOrder() throws Exception {
        for (int maxPerWrite : new int[] {Integer.MAX_VALUE, 100_000, 7}) {
            OutboundQueue q = new OutboundQueue(new BufferPool(16 * 1024, 4), 256 * 1024);
            Random r = new Random(maxPerWrite);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            for (int size : new int[] {10, 1 << 20, 300, (3 << 20) + 5, 70_000}) {
                byte[] b = new byte[size];
                r.nextBytes(b);
                expected.write(b);
                ByteBuffer heap = ByteBuffer.wrap(b);
                q.add(heap);
                CompletableFuture<Void> f = new CompletableFuture<>();
                q.completeWhenWritten(f);
                futures.add(f);
            }
            RecordingTransport t = new RecordingTransport(maxPerWrite);
            int flushes = 0;
            while (!q.flush(t)) {
                flushes++;
                assertThat(flushes).as("flushes with maxPerWrite %d", maxPerWrite).isLessThan(2_000_000);
            }
            assertThat(t.written.toByteArray()).isEqualTo(expected.toByteArray());
            assertThat(t.heapSizesPassed).as("heap bytes handed to one write").allMatch(n -> n <= 256 * 1024);
            assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
            assertThat(q.pending()).isZero();
        }
    }

    /** A TLS transport takes plaintext into records before the socket takes the records. */
    @Test
    void aSendCompletesOnlyOnceTheTransportHasSentWhatItTook() throws Exception {
        OutboundQueue q = new OutboundQueue(new BufferPool(16 * 1024, 4), 256 * 1024);
        long[] held = {0};
        RecordingTransport t = new RecordingTransport(Integer.MAX_VALUE) {
            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) {
                long n = super.write(srcs, offset, length);
                held[0] += n;
                return n;
            }

            @Override
            public long unsentPlaintext() {
                return held[0];
            }
        };
        q.add(ByteBuffer.wrap(new byte[100]));
        CompletableFuture<Void> first = new CompletableFuture<>();
        q.completeWhenWritten(first);
        q.add(ByteBuffer.wrap(new byte[50]));
        CompletableFuture<Void> second = new CompletableFuture<>();
        q.completeWhenWritten(second);

        held[0] = 0;
        assertThat(q.flush(t)).as("everything was taken").isTrue();
        assertThat(q.isEmpty()).isTrue();
        assertThat(first).as("all 150 bytes still in records").isNotDone();
        assertThat(q.pending()).isEqualTo(150);

        held[0] = 50; // the records holding the first send left
        q.completeSent(t);
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        assertThat(q.pending()).isEqualTo(50);
        CompletableFuture<Void> late = new CompletableFuture<>();
        q.completeWhenWritten(late);
        assertThat(late).as("registered after the bytes were taken, before they left").isNotDone();

        held[0] = 0;
        q.completeSent(t);
        assertThat(second).isCompleted();
        assertThat(late).isCompleted();
        assertThat(q.pending()).isZero();
        assertThat(q.isSettled()).isTrue();
    }
}
