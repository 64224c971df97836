package dev.duplex.bench;

import dev.duplex.protocol.ProtocolViolation;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.frame.FrameReader;
import dev.duplex.protocol.frame.FrameWriter;
import dev.duplex.protocol.frame.MaskKeys;
import dev.duplex.protocol.frame.Masking;
import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.util.Arrays;
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
 * The frame codec on one whole binary frame of {@code size} payload bytes.
 *
 * <p><b>Read side</b> (server role: the frame arrives masked and is unmasked in place). Because
 * unmasking destroys the input, every op must first restore it, and what each method measures
 * includes that restore:
 * <ul>
 *   <li>{@code parse*}: copy the pristine masked frame into the read buffer (what a socket read
 *       does anyway), then {@link FrameReader#read}: header parse + unmask + handler call.
 *       Subtract {@link CopyBaseline#arraycopy} / {@link CopyBaseline#heapToDirectPut} of the same
 *       size to see the reader alone.</li>
 *   <li>{@code parseThenRemaskHeap}: no copy; parse, then mask the payload again in place to
 *       restore it. That is the reader plus one extra {@link Masking#maskInPlace}: subtract
 *       {@link MaskingBenchmark#maskInPlaceHeap}.</li>
 * </ul>
 *
 * <p><b>Write side</b> (client role): {@link FrameWriter#writeHeader} with a fresh key from
 * {@link MaskKeys} (SecureRandom, drawn 64 keys at a time) + {@link Masking#maskCopy} of the
 * application's heap payload into the write buffer.
 *
 * <p>One op = one frame; payload bandwidth = ops/s × size (the 2–14 header bytes are not counted).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {

    @Param({"32", "1024", "65536", "1048576"})
    public int size;

    /** Counts what the reader hands on, so that nothing it does is dead code. */
    static final class CountingHandler implements FrameReader.Handler {
        long frames;
        long payloadBytes;
        int lastByte;

        @Override
        public void onFrameStart(boolean fin, int rsv, int opcode, long length) {
            frames++;
        }

        @Override
        public void onFramePayload(ByteBuffer payload) {
            payloadBytes += payload.remaining();
            lastByte = payload.get(payload.limit() - 1);
        }

        @Override
        public void onFrameEnd() {
        }
    }

    private byte[] payload;
    private byte[] maskedFrame;
    private int headerLength;

    private final CountingHandler handler = new CountingHandler();
    private FrameReader reader;
    private ByteBuffer heapIn;
    private ByteBuffer directIn;

    private final MaskKeys keys = new MaskKeys();
    private ByteBuffer payloadSrc;
    private ByteBuffer heapOut;
    private ByteBuffer directOut;

    @Setup
    public void setUp() throws ProtocolViolation {
        payload = Sizes.pattern(size);
        ByteBuffer frame = FrameWriter.frame(true, 0, Opcode.BINARY, ByteBuffer.wrap(payload), true, Sizes.KEY);
        maskedFrame = new byte[frame.remaining()];
        frame.get(maskedFrame);
        headerLength = maskedFrame.length - size;

        reader = new FrameReader(Role.SERVER, handler);
        heapIn = ByteBuffer.allocate(maskedFrame.length);
        directIn = ByteBuffer.allocateDirect(maskedFrame.length);

        payloadSrc = ByteBuffer.wrap(payload);
        heapOut = ByteBuffer.allocate(maskedFrame.length);
        directOut = ByteBuffer.allocateDirect(maskedFrame.length);

        // Sanity: each read path yields the original payload and leaves the reader between frames.
        for (ByteBuffer in : new ByteBuffer[] {heapIn, directIn}) {
            in.clear();
            in.put(maskedFrame).flip();
            reader.read(in);
            byte[] out = new byte[size];
            in.get(headerLength, out);
            if (!Arrays.equals(out, payload) || !reader.isBetweenFrames()) {
                throw new IllegalStateException("frame did not parse back to its payload");
            }
        }
        heapIn.clear();
        heapIn.put(maskedFrame).flip();
    }

    /** Copy the masked frame into a heap read buffer, then parse and unmask it. */
    @Benchmark
    public long parseHeap() throws ProtocolViolation {
        heapIn.clear();
        heapIn.put(maskedFrame).flip();
        reader.read(heapIn);
        return handler.payloadBytes;
    }

    /** Copy the masked frame into a direct read buffer, then parse and unmask it. */
    @Benchmark
    public long parseDirect() throws ProtocolViolation {
        directIn.clear();
        directIn.put(maskedFrame).flip();
        reader.read(directIn);
        return handler.payloadBytes;
    }

    /** Parse and unmask the frame in a heap buffer, then mask the payload back to restore it. */
    @Benchmark
    public long parseThenRemaskHeap() throws ProtocolViolation {
        heapIn.position(0).limit(maskedFrame.length);
        reader.read(heapIn);
        heapIn.position(headerLength);
        Masking.maskInPlace(heapIn, Sizes.KEY, 0);
        return handler.payloadBytes;
    }

    /** Client send: header with a fresh key, payload masked into a heap buffer. */
    @Benchmark
    public ByteBuffer writeToHeap() {
        return write(heapOut);
    }

    /** Client send: header with a fresh key, payload masked into a direct write buffer. */
    @Benchmark
    public ByteBuffer writeToDirect() {
        return write(directOut);
    }

    private ByteBuffer write(ByteBuffer out) {
        int key = keys.getAsInt();
        out.clear();
        FrameWriter.writeHeader(out, true, 0, Opcode.BINARY, size, true, key);
        payloadSrc.clear();
        Masking.maskCopy(payloadSrc, out, key, 0);
        return out;
    }
}
