package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * However a message is fragmented and however TCP splits the bytes, a streaming receiver gets
 * parts that join into the message, ends each message exactly once, and gets text parts that
 * each decode on their own (whole code points).
 */
class StreamingProperties {

    /** Records parts, checking each text part decodes strictly by itself. */
    static final class Parts implements ProtocolListener {
        final List<String> messages = new ArrayList<>();
        final ByteArrayOutputStream current = new ByteArrayOutputStream();
        int parts;
        CloseStatus closed;

        @Override
        public void onTextPart(ByteBuffer utf8, boolean last) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8.duplicate());
            } catch (CharacterCodingException e) {
                throw new AssertionError("a text part is not whole code points: " + Hex.of(utf8), e);
            }
            take("text:", utf8, last);
        }

        @Override
        public void onBinaryPart(ByteBuffer data, boolean last) {
            take("binary:", data, last);
        }

        private void take(String kind, ByteBuffer b, boolean last) {
            parts++;
            byte[] a = new byte[b.remaining()];
            b.get(a);
            current.writeBytes(a);
            if (last) {
                byte[] whole = current.toByteArray();
                current.reset();
                messages.add(kind + (kind.equals("text:") ? new String(whole, StandardCharsets.UTF_8)
                        : Recorder.describe(whole)));
            }
        }

        @Override
        public void onClosed(CloseStatus status, boolean byPeer) {
            closed = status;
        }
    }

    record Message(boolean text, byte[] payload, List<Integer> cuts) {}

    @Provide
    Arbitrary<Message> textMessage() {
        return net.jqwik.api.Combinators.combine(Arbitraries.strings().all().ofMaxLength(300),
                        Arbitraries.integers().between(0, 2000).list().ofMaxSize(5))
                .as((s, cuts) -> new Message(true, s.getBytes(StandardCharsets.UTF_8), cuts));
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        Arbitrary<Message> text = textMessage();
        Arbitrary<Message> binary = net.jqwik.api.Combinators.combine(
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(70_000),
                        Arbitraries.integers().between(0, 70_000).list().ofMaxSize(5))
                .as((b, cuts) -> new Message(false, b, cuts));
        return Arbitraries.oneOf(text, binary).list().ofMinSize(1).ofMaxSize(5);
    }

    @Provide
    Arbitrary<List<Integer>> chunking() {
        return RoundTripProperties.chunkings();
    }

    @Property(tries = 300)
    void clientToStreamingServer(@ForAll("messages") List<Message> messages, @ForAll("chunking") List<Integer> chunks) {
        roundTrip(Role.CLIENT, messages, chunks);
    }

    @Property(tries = 300)
    void serverToStreamingClient(@ForAll("messages") List<Message> messages, @ForAll("chunking") List<Integer> chunks) {
        roundTrip(Role.SERVER, messages, chunks);
    }

    private static void roundTrip(Role senderRole, List<Message> messages, List<Integer> chunks) {
        ProtocolConfig plain = ProtocolConfig.defaults();
        Wire wire = new Wire();
        Connection sender = senderRole == Role.CLIENT
                ? Connection.client(plain, List.of(), new Recorder(), wire)
                : Connection.server(plain, List.of(), new Recorder(), wire);
        Parts parts = new Parts();
        ProtocolConfig streaming = ProtocolConfig.builder().deliverParts(true).maxStreamedMessageSize(1 << 20).build();
        Connection receiver = senderRole == Role.CLIENT
                ? Connection.server(streaming, List.of(), parts, new Wire())
                : Connection.client(streaming, List.of(), parts, new Wire());
        List<String> expected = new ArrayList<>();
        for (Message m : messages) {
            List<byte[]> fragments = RoundTripProperties.split(m.payload(), m.cuts());
            for (int i = 0; i < fragments.size(); i++) {
                sender.sendFragment(m.text(), ByteBuffer.wrap(fragments.get(i)), i == fragments.size() - 1);
            }
            expected.add(m.text() ? "text:" + new String(m.payload(), StandardCharsets.UTF_8)
                    : "binary:" + Recorder.describe(m.payload()));
        }
        RoundTripProperties.receiveInChunks(receiver, wire.take(), chunks);
        assertThat(parts.closed).isNull();
        assertThat(parts.messages).containsExactlyElementsOf(expected);
        assertThat(parts.current.size()).isZero();
        assertThat(receiver.isIdle()).isTrue();
    }

    /**
     * One invalid byte anywhere in a streamed text message, however fragmented and chunked: the
     * connection fails with 1007, and what was delivered is whole code points taken from before
     * the invalid byte.
     */
    @Property(tries = 300)
    void invalidUtf8AnywhereIs1007(@ForAll("textMessage") Message m, @ForAll("chunking") List<Integer> chunks,
                                   @ForAll("badBytes") byte bad) {
        // Valid UTF-8 around the bad byte: random binary could make a valid sequence with it
        // (0xC3 then 0x80 is "Ã"), and then there is nothing to fail.
        byte[] good = m.payload();
        int at = m.cuts().isEmpty() ? good.length : m.cuts().get(0) % (good.length + 1);
        while (at > 0 && at < good.length && (good[at] & 0xC0) == 0x80) {
            at--; // insert between code points, so that the byte itself is what is invalid
        }
        byte[] payload = new byte[good.length + 1];
        System.arraycopy(good, 0, payload, 0, at);
        payload[at] = bad;
        System.arraycopy(good, at, payload, at + 1, good.length - at);

        Wire wire = new Wire();
        Connection sender = Connection.client(ProtocolConfig.defaults(), List.of(), new Recorder(), wire);
        List<byte[]> fragments = RoundTripProperties.split(payload, m.cuts());
        for (int i = 0; i < fragments.size(); i++) {
            sender.sendFragment(true, ByteBuffer.wrap(fragments.get(i)), i == fragments.size() - 1);
        }
        Parts parts = new Parts();
        Connection receiver = Connection.server(ProtocolConfig.builder().deliverParts(true).build(), List.of(), parts,
                new Wire());
        RoundTripProperties.receiveInChunks(receiver, wire.take(), chunks);
        assertThat(parts.closed).isNotNull();
        assertThat(parts.closed.code()).isEqualTo(1007);
        assertThat(parts.messages).isEmpty();
        byte[] delivered = parts.current.toByteArray();
        assertThat(delivered.length).isLessThanOrEqualTo(at);
        assertThat(delivered).isEqualTo(java.util.Arrays.copyOf(good, delivered.length));
    }

    @Provide
    Arbitrary<Byte> badBytes() {
        // Never valid anywhere: C0, C1, F5..FF; or a continuation byte with no lead.
        return Arbitraries.of((byte) 0xC0, (byte) 0xC1, (byte) 0xF5, (byte) 0xFF, (byte) 0x80, (byte) 0xBF);
    }
}
