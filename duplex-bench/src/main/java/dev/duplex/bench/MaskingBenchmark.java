package dev.duplex.bench;

import dev.duplex.protocol.frame.Masking;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Masking} over whole payloads. Masking is its own inverse, so masking the same buffer
 * over and over costs the same as unmasking fresh input: nothing is reset between ops.
 *
 * <p>One op = {@code size} payload bytes masked; bandwidth = ops/s × size. Compare with
 * {@link CopyBaseline} of the same size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MaskingBenchmark {

    @Param({"32", "1024", "65536", "1048576"})
    public int size;

    private ByteBuffer heap;
    private ByteBuffer direct;
    private ByteBuffer directBigEndian;
    private ByteBuffer copySrc;
    private ByteBuffer heapDst;
    private ByteBuffer directDst;

    @Setup
    public void setUp() {
        byte[] data = Sizes.pattern(size);
        heap = ByteBuffer.wrap(data.clone());
        // Native order, as the event loops' read buffers are; big-endian kept for comparison.
        direct = ByteBuffer.allocateDirect(size).order(java.nio.ByteOrder.nativeOrder()).put(0, data);
        directBigEndian = ByteBuffer.allocateDirect(size).put(0, data);
        copySrc = ByteBuffer.wrap(data.clone());
        heapDst = ByteBuffer.allocate(size);
        directDst = ByteBuffer.allocateDirect(size);
    }

    /** Unmasking a read into a heap buffer, in place (the server's inbound path). */
    @Benchmark
    public ByteBuffer maskInPlaceHeap() {
        Masking.maskInPlace(heap, Sizes.KEY, 0);
        return heap;
    }

    /** Unmasking a read into a direct buffer, in place (the server's inbound path, pooled buffers). */
    @Benchmark
    public ByteBuffer maskInPlaceDirect() {
        Masking.maskInPlace(direct, Sizes.KEY, 0);
        return direct;
    }

    /** The same in a big-endian direct buffer: every word byte-swapped, which blocks vectorization. */
    @Benchmark
    public ByteBuffer maskInPlaceDirectBigEndian() {
        Masking.maskInPlace(directBigEndian, Sizes.KEY, 0);
        return directBigEndian;
    }

    /** Masking the application's heap payload into a heap buffer (copy + mask). */
    @Benchmark
    public ByteBuffer maskCopyHeapToHeap() {
        copySrc.clear();
        heapDst.clear();
        Masking.maskCopy(copySrc, heapDst, Sizes.KEY, 0);
        return heapDst;
    }

    /** Masking the application's heap payload into a direct write buffer (the client's send path). */
    @Benchmark
    public ByteBuffer maskCopyHeapToDirect() {
        copySrc.clear();
        directDst.clear();
        Masking.maskCopy(copySrc, directDst, Sizes.KEY, 0);
        return directDst;
    }
}
