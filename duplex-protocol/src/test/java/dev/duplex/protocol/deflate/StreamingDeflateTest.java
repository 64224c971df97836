package dev.duplex.protocol.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.CloseStatus;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Hex;
import dev.duplex.protocol.Peer;
import dev.duplex.protocol.Wire;
import dev.duplex.protocol.frame.FrameWriter;
import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.ProtocolListener;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate messages delivered in parts: inflated as they arrive, in pieces no larger
 * than the inflate scratch buffer, each checked against the streamed limit before it is handed
 * on, so a compression bomb costs no more memory streamed than whole.
 */
class StreamingDeflateTest {

    /** Collects parts and the close. */
    static final class Parts implements ProtocolListener {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> sizes = new ArrayList<>();
        int lasts;
        CloseStatus closed;

        @Override
        public void onTextPart(ByteBuffer utf8, boolean last) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(utf8.duplicate());
            } catch (CharacterCodingException e) {
                throw new AssertionError("a text part is not whole code points", e);
            }
            onBinaryPart(utf8, last);
        }

        @Override
        public void onBinaryPart(ByteBuffer data, boolean last) {
            sizes.add(data.remaining());
            byte[] b = new byte[data.remaining()];
            data.get(b);
            bytes.writeBytes(b);
            lasts += last ? 1 : 0;
        }

        @Override
        public void onClosed(CloseStatus status, boolean byPeer) {
            closed = status;
        }
    }

    final Parts parts = new Parts();
    final List<String> pings = new ArrayList<>();
    Connection server;

    /** A server that agreed on permessage-deflate and streams both kinds of message. */
    void streamingServer(long limit) throws Exception {
        Extension e = PerMessageDeflate.defaults().accept(ExtensionOffer.parse("permessage-deflate").get(0)).orElseThrow();
        ProtocolConfig config = ProtocolConfig.builder().deliverParts(true).maxStreamedMessageSize(limit).build();
        ProtocolListener listener = new ProtocolListener() {
            @Override
            public void onTextPart(ByteBuffer utf8, boolean last) {
                parts.onTextPart(utf8, last);
            }

            @Override
            public void onBinaryPart(ByteBuffer data, boolean last) {
                parts.onBinaryPart(data, last);
            }

            @Override
            public void onPing(ByteBuffer payload) {
                pings.add(Hex.of(payload));
            }

            @Override
            public void onClosed(CloseStatus status, boolean byPeer) {
                parts.onClosed(status, byPeer);
            }
        };
        server = Connection.server(config, List.of(e), listener, new Wire());
    }

    /** A client's frame (masked with the RFC 6455 §5.7 key). */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        ByteBuffer f = FrameWriter.frame(fin, rsv, opcode, ByteBuffer.wrap(payload), true, Peer.RFC_KEY);
        byte[] b = new byte[f.remaining()];
        f.get(b);
        return b;
    }

    void receive(byte[] bytes) {
        server.receive(ByteBuffer.wrap(bytes));
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(6, true);
        d.setInput(data);
        byte[] out = new byte[data.length + 1024];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return Arrays.copyOf(out, n - 4); // RFC 7692 §7.2.1: without the 00 00 ff ff tail
    }

    @Test
    void aCompressedTextInThreeFramesIsInflatedPartByPartInWholeCodePoints() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 200_000; i++) {
            sb.append("{\"n\":").append(i).append(",\"city\":\"Z\u00fcrich\",\"price\":\"12 \u20ac\",\"mood\":\"\uD83D\uDE00\"}");
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] compressed = deflate(text);
        streamingServer(text.length);
        int a = compressed.length / 3;
        int b = 2 * compressed.length / 3;
        receive(frame(false, Extension.RSV1, Opcode.TEXT, Arrays.copyOfRange(compressed, 0, a)));
        receive(frame(true, 0, Opcode.PING, new byte[] {1}));
        receive(frame(false, 0, Opcode.CONTINUATION, Arrays.copyOfRange(compressed, a, b)));
        receive(frame(true, 0, Opcode.CONTINUATION, Arrays.copyOfRange(compressed, b, compressed.length)));

        assertThat(parts.closed).isNull();
        assertThat(parts.bytes.toByteArray()).isEqualTo(text);
        assertThat(parts.lasts).isEqualTo(1);
        assertThat(parts.sizes.size()).isGreaterThan(10); // 200 KB in pieces, not one buffer
        assertThat(parts.sizes).allMatch(n -> n <= 16 * 1024);
        assertThat(pings).containsExactly("01");
    }

    @Test
    void theRfc7692FragmentedHelloArrivesInParts() throws Exception {
        // §7.2.3.1's "Hello", compressed and split over two frames: 41 03 f2 48 cd, 80 04 c9 c9 07 00.
        streamingServer(100);
        receive(frame(false, Extension.RSV1, Opcode.TEXT, Hex.bytes("f2 48 cd")));
        receive(frame(true, 0, Opcode.CONTINUATION, Hex.bytes("c9 c9 07 00")));
        assertThat(parts.bytes.toString(StandardCharsets.UTF_8)).isEqualTo("Hello");
        assertThat(parts.lasts).isEqualTo(1);
    }

    @Test
    void aBombIs1009WhenItsInflatedBytesPassTheStreamedLimitWithoutAllocatingThem() throws Exception {
        byte[] compressed = new byte[1 << 20];
        int n = PerMessageDeflateTest.deflateZeros(64 << 20, compressed);
        streamingServer(1 << 20);
        byte[] frame = frame(true, Extension.RSV1, Opcode.BINARY, Arrays.copyOf(compressed, n - 4));

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        receive(frame);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(parts.closed.code()).isEqualTo(1009);
        assertThat(parts.lasts).isZero();
        // Parts up to the limit were handed on (and kept by this test's listener); never more.
        assertThat(parts.bytes.size()).isLessThanOrEqualTo(1 << 20);
        assertThat(allocated).isLessThan(8L << 20);
    }
}
