package dev.duplex.bench;

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
 * The yardstick: how fast this machine merely moves the bytes. Masking reads and writes every
 * byte once, like a copy, so a copy of the same size bounds what masking can reach.
 *
 * <p>One op = one copy of {@code size} bytes; bandwidth = ops/s × size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CopyBaseline {

    @Param({"32", "1024", "65536", "1048576"})
    public int size;

    private byte[] src;
    private byte[] dst;
    private ByteBuffer directSrc;
    private ByteBuffer directDst;

    @Setup
    public void setUp() {
        src = Sizes.pattern(size);
        dst = new byte[size];
        directSrc = ByteBuffer.allocateDirect(size);
        directSrc.put(0, src);
        directDst = ByteBuffer.allocateDirect(size);
    }

    /** byte[] to byte[]. */
    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(src, 0, dst, 0, size);
        return dst;
    }

    /** byte[] into a direct buffer (an absolute bulk put: what filling a socket buffer costs). */
    @Benchmark
    public ByteBuffer heapToDirectPut() {
        return directDst.put(0, src, 0, size);
    }

    /** Direct buffer into a direct buffer (absolute bulk put). */
    @Benchmark
    public ByteBuffer directToDirectPut() {
        return directDst.put(0, directSrc, 0, size);
    }
}
