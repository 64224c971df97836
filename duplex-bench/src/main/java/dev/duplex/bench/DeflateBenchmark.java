package dev.duplex.bench;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.ProtocolListener;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * permessage-deflate (RFC 7692) costs, one message per op, on chat-like JSON text
 * ({@link #chatJson}): {@link #count} (at least 64, at least 256 KiB) different messages of exactly {@code size} ASCII bytes,
 * used in turn, so that a kept window (context takeover) sees a realistic stream of similar but
 * not identical messages.
 *
 * <ul>
 *   <li>{@code encode}: {@link Extension#encode} of the server's extension, as negotiated by
 *       {@code PerMessageDeflate.builder().level(level).serverNoContextTakeover(!takeover).threshold(0)}
 *       for a plain {@code permessage-deflate} offer. Input MB/s = size / (time per op).</li>
 *   <li>{@code decode}: the same messages, compressed in that order by that extension and framed by a
 *       server {@link Connection}, fed to a client {@link Connection} whose extension came from
 *       {@link PerMessageDeflate#accepted}: frame parsing, inflating, UTF-8 checking and delivery. With
 *       takeover the client must start afresh where the stream started, so every
 *       {@link #count} messages (at least 64) a new client connection (and Inflater) is made: at
 *       most 1/64 of one connection setup is in each op.</li>
 * </ul>
 *
 * <p>Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the heap allocated per message.
 * {@link Threshold} compares a whole message (send, frame, receive) compressed and not at small
 * sizes, for choosing the threshold; {@link DeflateSizes} prints the bytes on the wire.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DeflateBenchmark {
    static final int MESSAGES = 64;

    /** How many different messages to cycle through: at least 64, and at least 256 KiB in all (8 windows). */
    static int count(int size) {
        return Math.max(MESSAGES, (256 << 10) / size);
    }

    @Param({"256", "4096", "65536"})
    public int size;

    @Param({"1", "6", "9"})
    public int level;

    @Param({"false", "true"})
    public boolean takeover;

    private ByteBuffer[] messages;
    private Extension encoder;
    private int next;

    private ByteBuffer[] frames;
    private PerMessageDeflate clientFactory;
    private ExtensionOffer agreed;
    private Connection receiver;
    private final Sink sink = new Sink();
    private int nextFrame;

    /** Counts what a receiving connection delivers. */
    static final class Sink implements ProtocolListener {
        long messages;
        long bytes;

        @Override
        public void onText(ByteBuffer utf8) {
            messages++;
            bytes += utf8.remaining();
        }

        @Override
        public void onBinary(ByteBuffer data) {
            messages++;
            bytes += data.remaining();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws ExtensionNegotiationException {
        messages = messages(size, count(size), 1);
        encoder = serverExtension(level, takeover, 0);
        // The decode side: the same stream, framed by a server connection.
        Extension framing = serverExtension(level, takeover, 0);
        agreed = framing.agreed();
        List<ByteBuffer> wire = new ArrayList<>();
        Connection sender = Connection.server(ProtocolConfig.defaults(), List.of(framing), new ProtocolListener() { },
                (header, payload) -> {
                    ByteBuffer f = ByteBuffer.allocate(header.remaining() + payload.remaining());
                    f.put(header).put(payload).flip();
                    wire.add(f);
                });
        for (ByteBuffer m : messages) {
            sender.sendText(m.duplicate());
        }
        frames = wire.toArray(new ByteBuffer[0]);
        clientFactory = PerMessageDeflate.defaults();
        newReceiver();
    }

    static Extension serverExtension(int level, boolean takeover, int threshold) {
        return PerMessageDeflate.builder().level(level).serverNoContextTakeover(!takeover).threshold(threshold).build()
                .accept(ExtensionOffer.of(PerMessageDeflate.NAME)).orElseThrow();
    }

    private void newReceiver() throws ExtensionNegotiationException {
        if (receiver != null) {
            receiver.receiveEnd(); // closes its extension: ends the Inflater
        }
        receiver = Connection.client(ProtocolConfig.builder().maxMessageSize(1 << 20).build(),
                List.of(clientFactory.accepted(agreed)), sink, (h, p) -> { });
        nextFrame = 0;
    }

    @Benchmark
    public Extension.Encoded encode() {
        ByteBuffer m = messages[next];
        next = (next + 1) % messages.length;
        return encoder.encode(m.duplicate(), true);
    }

    @Benchmark
    public long decode() throws ExtensionNegotiationException {
        if (nextFrame == frames.length) {
            newReceiver();
        }
        receiver.receive(frames[nextFrame++].duplicate());
        return sink.bytes;
    }

    // ------------------------------------------------------------------------------------------

    /**
     * One whole message from a server connection to a client connection (the client side
     * receives and delivers it), compressed (threshold 0, level 6, no context takeover: the
     * server defaults but for the threshold) or not (no extension): the CPU a message costs
     * both ends together, at the small sizes where the threshold is chosen.
     */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 3, time = 1)
    @Fork(1)
    public static class Threshold {
        @Param({"16", "32", "64", "128", "256", "512", "1024", "2048", "4096"})
        public int size;

        @Param({"false", "true"})
        public boolean compressed;

        private ByteBuffer[] messages;
        private Connection sender;
        private Connection receiver;
        private final Sink sink = new Sink();
        private ByteBuffer wire;
        private int next;
        private long wireBytes;

        @Setup(Level.Trial)
        public void setUp() throws ExtensionNegotiationException {
            messages = messages(size, count(size), 7);
            wire = ByteBuffer.allocate(2 * size + 64);
            List<Extension> server = List.of();
            List<Extension> client = List.of();
            if (compressed) {
                Extension e = serverExtension(6, false, 0);
                server = List.of(e);
                client = List.of(PerMessageDeflate.defaults().accepted(e.agreed()));
            }
            sender = Connection.server(ProtocolConfig.defaults(), server, new ProtocolListener() { }, (h, p) -> {
                wire.put(h).put(p);
            });
            receiver = Connection.client(ProtocolConfig.defaults(), client, sink, (h, p) -> { });
        }

        @Benchmark
        public long message() {
            ByteBuffer m = messages[next];
            next = (next + 1) % messages.length;
            wire.clear();
            sender.sendText(m.duplicate());
            wire.flip();
            wireBytes += wire.remaining();
            receiver.receive(wire);
            return sink.bytes + wireBytes;
        }
    }

    // ------------------------------------------------------------------------------------------

    /** {@code count} different chat-like JSON texts of exactly {@code size} ASCII bytes. */
    static ByteBuffer[] messages(int size, int count, long seed) {
        ByteBuffer[] out = new ByteBuffer[count];
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            byte[] b = chatJson(size, r).getBytes(StandardCharsets.US_ASCII);
            out[i] = ByteBuffer.wrap(b, 0, size).slice();
        }
        return out;
    }

    /**
     * Chat-like JSON of at least {@code size} bytes: an array of objects with ids, user and room
     * names, timestamps, a sentence of text from a small vocabulary and a random token, the kind
     * of thing a chat or live-update server sends. Cut to size it is not valid JSON, which does not
     * matter here.
     */
    static String chatJson(int size, Random r) {
        String[] words = {"the", "meeting", "is", "moved", "to", "tomorrow", "please", "check", "your", "inbox",
                "deploy", "finished", "build", "failed", "on", "main", "thanks", "ok", "see", "you", "at", "noon",
                "lunch", "anyone", "coffee", "ticket", "closed", "review", "approved", "merged"};
        StringBuilder sb = new StringBuilder(size + 200).append('[');
        for (int i = 0; sb.length() < size; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"type\":\"message\",\"id\":").append(1_000_000 + r.nextInt(9_000_000))
                    .append(",\"room\":\"room-").append(r.nextInt(20)).append("\",\"user\":{\"id\":")
                    .append(r.nextInt(5000)).append(",\"name\":\"user").append(r.nextInt(5000))
                    .append("\"},\"ts\":").append(1_700_000_000_000L + r.nextInt(100_000_000)).append(",\"text\":\"");
            int n = 3 + r.nextInt(12);
            for (int w = 0; w < n; w++) {
                sb.append(w == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            sb.append("\",\"nonce\":\"").append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36)).append("\"}");
        }
        return sb.append(']').toString();
    }
}
