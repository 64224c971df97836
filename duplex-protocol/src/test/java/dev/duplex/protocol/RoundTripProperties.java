package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any sequence of messages a sender writes arrives unchanged at the receiver however TCP splits
 * the bytes, in both directions: the writer and the reader agree on every length encoding,
 * masking offset, fragment boundary and code point split.
 */
class RoundTripProperties {

    /** One thing the sender does. */
    sealed interface Op permits Text, Binary, Ping, Fragmented {}

    record Text(String s) implements Op {}

    record Binary(byte[] b) implements Op {}

    record Ping(byte[] b) implements Op {}

    record Fragmented(boolean text, List<byte[]> parts) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 130)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(65530, 65540)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(65541, 200_000)));
        Arbitrary<byte[]> bytes = sizes.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        Arbitrary<Op> text = Arbitraries.strings().all().ofMaxLength(200)
                .map(s -> new Text(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)));
        Arbitrary<Op> binary = bytes.map(Binary::new);
        Arbitrary<Op> ping = Arbitraries.bytes().array(byte[].class).ofMaxSize(125).map(Ping::new);
        // A text split into fragments at arbitrary byte positions, even inside code points.
        Arbitrary<Op> fragmentedText = Combinators.combine(
                        Arbitraries.strings().all().ofMaxLength(100),
                        Arbitraries.integers().between(0, 1000).list().ofMaxSize(4))
                .as((s, cuts) -> new Fragmented(true, split(s.getBytes(StandardCharsets.UTF_8), cuts)));
        Arbitrary<Op> fragmentedBinary = Combinators.combine(bytes, Arbitraries.integers().between(0, 300_000).list().ofMaxSize(4))
                .as((b, cuts) -> new Fragmented(false, split(b, cuts)));
        return Arbitraries.oneOf(text, binary, ping, fragmentedText, fragmentedBinary).list().ofMaxSize(8);
    }

    static List<byte[]> split(byte[] b, List<Integer> cuts) {
        List<Integer> points = new ArrayList<>();
        for (int c : cuts) {
            points.add(b.length == 0 ? 0 : c % (b.length + 1));
        }
        points.sort(null);
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int p : points) {
            parts.add(java.util.Arrays.copyOfRange(b, from, p));
            from = p;
        }
        parts.add(java.util.Arrays.copyOfRange(b, from, b.length));
        return parts;
    }

    @Provide
    Arbitrary<List<Integer>> chunking() {
        return chunkings();
    }

    /** How the network might cut a byte stream: mostly tiny or small reads, sometimes large ones. */
    static Arbitrary<List<Integer>> chunkings() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 7)),
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 300)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 100_000)))
                .list().ofMinSize(1).ofMaxSize(20);
    }

    /** Feeds {@code bytes} to {@code receiver} in reads of the sizes in {@code chunks}, cycling. */
    static void receiveInChunks(Connection receiver, byte[] bytes, List<Integer> chunks) {
        int pos = 0;
        int i = 0;
        while (pos < bytes.length) {
            int n = Math.min(chunks.get(i++ % chunks.size()), bytes.length - pos);
            receiver.receive(ByteBuffer.wrap(bytes, pos, n));
            pos += n;
        }
    }

    @Property(tries = 300)
    void clientToServer(@ForAll("ops") List<Op> ops, @ForAll("chunking") List<Integer> chunks) {
        roundTrip(Role.CLIENT, ops, chunks);
    }

    @Property(tries = 300)
    void serverToClient(@ForAll("ops") List<Op> ops, @ForAll("chunking") List<Integer> chunks) {
        roundTrip(Role.SERVER, ops, chunks);
    }

    private static void roundTrip(Role senderRole, List<Op> ops, List<Integer> chunks) {
        ProtocolConfig config = ProtocolConfig.builder().maxMessageSize(1 << 20).build();
        Wire senderWire = new Wire();
        Connection sender = senderRole == Role.CLIENT
                ? Connection.client(config, List.of(), new Recorder(), senderWire)
                : Connection.server(config, List.of(), new Recorder(), senderWire);
        Peer receiver = Peer.of(senderRole.peer(), config, List.of());

        List<String> expected = new ArrayList<>();
        for (Op op : ops) {
            if (op instanceof Text t) {
                sender.sendText(t.s());
                expected.add("text:" + t.s());
            } else if (op instanceof Binary b) {
                sender.sendBinary(ByteBuffer.wrap(b.b().clone()));
                expected.add("binary:" + Recorder.describe(b.b()));
            } else if (op instanceof Ping p) {
                sender.sendPing(ByteBuffer.wrap(p.b().clone()));
                expected.add("ping:" + Hex.of(p.b()));
            } else if (op instanceof Fragmented f) {
                java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < f.parts().size(); i++) {
                    byte[] part = f.parts().get(i);
                    whole.writeBytes(part);
                    sender.sendFragment(f.text(), ByteBuffer.wrap(part.clone()), i == f.parts().size() - 1);
                }
                expected.add(f.text()
                        ? "text:" + new String(whole.toByteArray(), StandardCharsets.UTF_8)
                        : "binary:" + Recorder.describe(whole.toByteArray()));
            }
        }
        sender.close(1000, "done");
        expected.add("closed:1000:peer");

        receiveInChunks(receiver.connection, senderWire.take(), chunks);
        assertThat(receiver.events.events).containsExactlyElementsOf(expected);
    }
}
