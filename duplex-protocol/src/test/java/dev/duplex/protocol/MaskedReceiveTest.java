package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.frame.FrameWriter;
import dev.duplex.protocol.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 §5.3 on the server's receive path: client payload is unmasked either in the read
 * buffer or after being copied into the message accumulator, depending on where the message lies.
 * Either way the message must arrive as sent, and text must fail with 1007 at the read that brings
 * its first invalid byte, however the frames are cut into reads (cuts that put payload offsets
 * off multiples of four rotate the key) and whatever the masking keys.
 *
 * <p>Input goes in through a direct buffer in the machine's byte order, at a random start, as the
 * event loops' read buffer does; the one buffer is reused for every read, so a delivered message
 * that still pointed into it would show.
 */
class MaskedReceiveTest {

    /** A message as a client sends it: cut into fragments, each frame with its own key. */
    record Message(boolean text, byte[] bytes, List<Integer> cuts, List<Integer> keys, List<Boolean> pingAfter) {
        @Override
        public String toString() {
            return (text ? "text " : "binary ") + bytes.length + " bytes, cuts " + cuts + ", keys " + keys
                    + ", pings after " + pingAfter;
        }
    }

    /** Code points of every UTF-8 length, so that fragments and reads split them anywhere. */
    static Arbitrary<String> anyText(int maxCodePoints) {
        Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0x20, 0x7E)),
                Tuple.of(2, Arbitraries.integers().between(0x80, 0x7FF)),
                Tuple.of(2, Arbitraries.integers().between(0x800, 0xFFFF).filter(c -> c < 0xD800 || c > 0xDFFF)),
                Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10FFFF)));
        return codePoint.list().ofMaxSize(maxCodePoints).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        Arbitrary<byte[]> text = anyText(700).map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> binary = Arbitraries.integers().between(0, 3000)
                .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        Arbitrary<List<Integer>> cuts = Arbitraries.integers().between(0, 10_000).list().ofMaxSize(5);
        Arbitrary<List<Integer>> keys = Arbitraries.integers().list().ofMinSize(1).ofMaxSize(6);
        Arbitrary<List<Boolean>> pings = Arbitraries.of(false, false, false, true).list().ofMinSize(1).ofMaxSize(6);
        Arbitrary<Message> texts = Combinators.combine(text, cuts, keys, pings).as((b, c, k, p) -> new Message(true, b, c, k, p));
        Arbitrary<Message> binaries = Combinators.combine(binary, cuts, keys, pings).as((b, c, k, p) -> new Message(false, b, c, k, p));
        return Arbitraries.oneOf(texts, binaries).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Integer>> reads() {
        return Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.integers().between(1, 7)),
                        Tuple.of(3, Arbitraries.integers().between(1, 300)),
                        Tuple.of(1, Arbitraries.integers().between(1, 5000)))
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 500)
    void fragmentedMaskedMessagesArriveAsSentHoweverTheReadsFall(
            @ForAll("messages") List<Message> messages, @ForAll("reads") List<Integer> reads,
            @ForAll @IntRange(max = 7) int start) {
        ClientFrames wire = new ClientFrames();
        List<String> expected = new ArrayList<>();
        for (Message m : messages) {
            wire.message(m);
            for (int i = 0; i < wire.lastFragments; i++) {
                if (m.pingAfter().get(i % m.pingAfter().size()) && i < wire.lastFragments - 1) {
                    expected.add("ping:" + Hex.of(pingPayload(i)));
                }
            }
            expected.add(m.text()
                    ? "text:" + new String(m.bytes(), StandardCharsets.UTF_8)
                    : "binary:" + Recorder.describe(m.bytes()));
        }
        Peer server = Peer.server();
        new Reads(wire.bytes(), reads, start).feedAll(server.connection);
        assertThat(server.events.events).containsExactlyElementsOf(expected);
        assertThat(server.connection.state()).isEqualTo(Connection.State.OPEN);
    }

    /** Invalid sequences and the index of the byte that makes each one invalid. */
    private static final byte[][] INVALID = {
            {(byte) 0xFF}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xE0, (byte) 0x80, (byte) 0x80}};
    private static final int[] FIRST_BAD = {0, 0, 0, 1, 1, 1};

    @Property(tries = 500)
    void invalidUtf8FailsWith1007AtTheReadThatBringsIt(
            @ForAll("texts") String before, @ForAll("texts") String after,
            @ForAll @IntRange(max = 5) int which, @ForAll("cuts") List<Integer> cuts,
            @ForAll int key, @ForAll("reads") List<Integer> reads, @ForAll @IntRange(max = 7) int start) {
        byte[] head = before.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes(head);
        text.writeBytes(INVALID[which]);
        text.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        Message m = new Message(true, text.toByteArray(), cuts, List.of(key, ~key), List.of(false));
        ClientFrames wire = new ClientFrames();
        wire.message(m);
        long badAt = wire.wireOffsetOf(head.length + FIRST_BAD[which]);

        Peer server = Peer.server();
        Reads in = new Reads(wire.bytes(), reads, start);
        while (in.hasMore()) {
            long end = in.feedOne(server.connection);
            if (end <= badAt) {
                assertThat(server.events.closed).as("closed before the bad byte at %d arrived (read ends at %d)", badAt, end).isNull();
            } else {
                assertThat(server.events.events).containsExactly("closed:1007:local");
                assertThat(server.sentCloseCode()).isEqualTo(1007);
                return;
            }
        }
        throw new AssertionError("the bad byte was never read");
    }

    @Provide
    Arbitrary<String> texts() {
        return anyText(300);
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 2000).list().ofMaxSize(4);
    }

    @Test
    void aFragmentedTextEndingInsideACodePointFailsWith1007OnItsLastByte() {
        byte[] euroCut = {'a', 'b', 'c', 'd', 'e', (byte) 0xE2, (byte) 0x82}; // "€" is e2 82 ac
        ClientFrames wire = new ClientFrames();
        wire.message(new Message(true, euroCut, List.of(3), List.of(0x01020304, 0x7f00ff80), List.of(false)));
        byte[] bytes = wire.bytes();
        Peer server = Peer.server();
        ByteBuffer read = ByteBuffer.allocateDirect(1).order(ByteOrder.nativeOrder());
        for (int i = 0; i < bytes.length; i++) {
            assertThat(server.events.closed).as("closed after byte %d of %d", i, bytes.length).isNull();
            read.clear();
            read.put(bytes[i]).flip();
            server.connection.receive(read);
        }
        assertThat(server.events.events).containsExactly("closed:1007:local");
        assertThat(server.sentCloseCode()).isEqualTo(1007);
    }

    @Test
    void aMessageCopiedOutOfTheReadBufferDoesNotChangeWhenTheBufferIsReused() {
        byte[] payload = new byte[1000];
        Arrays.fill(payload, (byte) 'x');
        ByteBuffer f = FrameWriter.frame(true, 0, Opcode.BINARY, ByteBuffer.wrap(payload), true, 0x11223344);
        byte[] frame = new byte[f.remaining()];
        f.get(frame);
        List<ByteBuffer> kept = new ArrayList<>();
        Connection connection = Connection.server(ProtocolConfig.defaults(), List.of(), new ProtocolListener() {
            @Override
            public void onBinary(ByteBuffer data) {
                kept.add(data);
            }
        }, new Wire());
        ByteBuffer read = ByteBuffer.allocateDirect(600).order(ByteOrder.nativeOrder());
        read.put(frame, 0, 600).flip();
        connection.receive(read);
        read.clear();
        read.put(frame, 600, frame.length - 600).flip();
        connection.receive(read);
        read.clear();
        while (read.hasRemaining()) {
            read.put((byte) 0);
        }
        byte[] got = new byte[kept.get(0).remaining()];
        kept.get(0).get(got);
        assertThat(got).containsExactly(payload);
    }

    private static byte[] pingPayload(int i) {
        return new byte[] {(byte) i, (byte) 0xA5, (byte) (i * 7)};
    }

    /** Client frames for messages, with where each message byte lands on the wire. */
    private static final class ClientFrames {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        /** For the last message: wire offset of each fragment's payload, and its first message byte. */
        private final List<long[]> fragmentStarts = new ArrayList<>();
        int lastFragments;

        void message(Message m) {
            List<byte[]> parts = RoundTripProperties.split(m.bytes(), m.cuts());
            fragmentStarts.clear();
            lastFragments = parts.size();
            int messageOffset = 0;
            for (int i = 0; i < parts.size(); i++) {
                byte[] part = parts.get(i);
                boolean last = i == parts.size() - 1;
                int opcode = i > 0 ? Opcode.CONTINUATION : m.text() ? Opcode.TEXT : Opcode.BINARY;
                int key = m.keys().get(i % m.keys().size());
                fragmentStarts.add(new long[] {out.size() + FrameWriter.headerLength(part.length, true), messageOffset});
                write(FrameWriter.frame(last, 0, opcode, ByteBuffer.wrap(part), true, key));
                messageOffset += part.length;
                if (!last && m.pingAfter().get(i % m.pingAfter().size())) {
                    write(FrameWriter.frame(true, 0, Opcode.PING, ByteBuffer.wrap(pingPayload(i)), true, ~key));
                }
            }
        }

        /** Where byte {@code index} of the last message lies on the wire. */
        long wireOffsetOf(int index) {
            for (int i = fragmentStarts.size() - 1; i >= 0; i--) {
                long[] f = fragmentStarts.get(i);
                if (f[1] <= index) {
                    return f[0] + (index - f[1]);
                }
            }
            throw new IllegalArgumentException("no byte " + index);
        }

        private void write(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            out.writeBytes(b);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** The wire cut into reads of the given sizes, each put into one reused direct buffer. */
    private static final class Reads {
        private final byte[] bytes;
        private final List<Integer> sizes;
        private final int start;
        private final ByteBuffer buffer;
        private int pos;
        private int n;

        Reads(byte[] bytes, List<Integer> sizes, int start) {
            this.bytes = bytes;
            this.sizes = sizes;
            this.start = start;
            int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
            this.buffer = ByteBuffer.allocateDirect(start + max).order(ByteOrder.nativeOrder());
        }

        boolean hasMore() {
            return pos < bytes.length;
        }

        /** Feeds the next read; returns the wire offset just past it. */
        long feedOne(Connection connection) {
            int size = Math.min(sizes.get(n++ % sizes.size()), bytes.length - pos);
            buffer.clear();
            // Scribble over the previous read first, as the next socket read would.
            while (buffer.hasRemaining()) {
                buffer.put((byte) 0x5A);
            }
            buffer.position(start);
            buffer.put(bytes, pos, size);
            buffer.limit(start + size).position(start);
            connection.receive(buffer);
            assertThat(buffer.hasRemaining()).as("receive consumes everything").isFalse();
            pos += size;
            return pos;
        }

        void feedAll(Connection connection) {
            while (hasMore()) {
                feedOne(connection);
            }
        }
    }
}
