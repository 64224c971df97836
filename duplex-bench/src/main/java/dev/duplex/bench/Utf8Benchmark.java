package dev.duplex.bench;

import dev.duplex.protocol.Utf8Validator;
import java.nio.charset.StandardCharsets;
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
 * {@link Utf8Validator#feed(byte[], int, int)} over a whole text payload in one call, the
 * validator reset before each op (as for a new message).
 *
 * <p>One op = {@code size} bytes validated; bandwidth = ops/s × size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Utf8Benchmark {

    /** One- to four-byte sequences mixed with ASCII: Latin, Greek, Cyrillic, CJK, emoji. */
    private static final String MIXED_SAMPLE =
            "Grüße, Jürgen! κόσμε — привет, мир; こんにちは世界 🎉🚀 naïve café ½ €5 ";

    @Param({"32", "1024", "65536", "1048576"})
    public int size;

    private final Utf8Validator validator = new Utf8Validator();
    private byte[] ascii;
    private byte[] mixed;

    @Setup
    public void setUp() {
        ascii = fill("{\"user\":\"alice\",\"text\":\"hello, world\",\"n\":42} ", size);
        mixed = fill(MIXED_SAMPLE, size);
        // Both must be valid up to their last byte (a trailing partial code point is allowed),
        // or the benchmark would measure an early reject.
        Utf8Validator check = new Utf8Validator();
        if (!check.feed(ascii, 0, size) || !new Utf8Validator().feed(mixed, 0, size)) {
            throw new IllegalStateException("benchmark input is not valid UTF-8");
        }
    }

    /** {@code sample} repeated and cut to exactly {@code size} bytes. */
    private static byte[] fill(String sample, int size) {
        byte[] unit = sample.getBytes(StandardCharsets.UTF_8);
        byte[] a = new byte[size];
        for (int i = 0; i < size; i += unit.length) {
            System.arraycopy(unit, 0, a, i, Math.min(unit.length, size - i));
        }
        return a;
    }

    @Benchmark
    public boolean ascii() {
        validator.reset();
        return validator.feed(ascii, 0, size);
    }

    @Benchmark
    public boolean mixed() {
        validator.reset();
        return validator.feed(mixed, 0, size);
    }
}
