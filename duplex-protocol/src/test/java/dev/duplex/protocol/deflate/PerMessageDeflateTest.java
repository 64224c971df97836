package dev.duplex.protocol.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Hex;
import dev.duplex.protocol.Peer;
import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.frame.Opcode;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** RFC 7692: negotiation, the §7.2.3 byte examples, and compression bombs. */
class PerMessageDeflateTest {

    static Extension negotiated(String offerHeader, PerMessageDeflate server) throws Exception {
        return server.accept(ExtensionOffer.parse(offerHeader).get(0)).orElseThrow();
    }

    static Peer clientWith(String responseHeader) throws Exception {
        Extension e = PerMessageDeflate.builder().threshold(0).build()
                .accepted(ExtensionOffer.parse(responseHeader).get(0));
        return Peer.of(Role.CLIENT, ProtocolConfig.defaults(), List.of(e));
    }

    // ---------------------------------------------------------------- §7.2.3 examples, received

    @Test
    void helloCompressedInOneFrame() throws Exception {
        Peer client = clientWith("permessage-deflate").receiveHex("c1 07 f2 48 cd c9 c9 07 00");
        assertThat(client.events.events).containsExactly("text:Hello");
    }

    @Test
    void theSecondHelloReusesTheSharedWindow() throws Exception {
        Peer client = clientWith("permessage-deflate")
                .receiveHex("c1 07 f2 48 cd c9 c9 07 00")
                .receiveHex("c1 05 f2 00 11 00 00");
        assertThat(client.events.events).containsExactly("text:Hello", "text:Hello");
    }

    @Test
    void helloInAStoredBlock() throws Exception {
        Peer client = clientWith("permessage-deflate").receiveHex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00");
        assertThat(client.events.events).containsExactly("text:Hello");
    }

    @Test
    void helloWithBfinalSet() throws Exception {
        Peer client = clientWith("permessage-deflate").receiveHex("c1 08 f3 48 cd c9 c9 07 00 00");
        assertThat(client.events.events).containsExactly("text:Hello");
    }

    @Test
    void helloInTwoDeflateBlocks() throws Exception {
        Peer client = clientWith("permessage-deflate")
                .receiveHex("c1 0d f2 48 05 00 00 00 ff ff ca c9 c9 07 00");
        assertThat(client.events.events).containsExactly("text:Hello");
    }

    @Test
    void helloCompressedAndFragmented() throws Exception {
        Peer client = clientWith("permessage-deflate").receiveHex("41 03 f2 48 cd").receiveHex("80 04 c9 c9 07 00");
        assertThat(client.events.events).containsExactly("text:Hello");
    }

    @Test
    void theSameBytesArriveOneAtATime() throws Exception {
        Peer client = clientWith("permessage-deflate").receiveBytewise(Hex.bytes("41 03 f2 48 cd 80 04 c9 c9 07 00"));
        assertThat(client.events.events).containsExactly("text:Hello");
    }

    // ---------------------------------------------------------------- §7.2.3 examples, sent

    @Test
    void serverWithContextTakeoverSendsTheRfcBytes() throws Exception {
        PerMessageDeflate factory = PerMessageDeflate.builder().serverNoContextTakeover(false).threshold(0).build();
        Extension e = negotiated("permessage-deflate", factory);
        assertThat(e.agreed().toString()).isEqualTo("permessage-deflate");
        Peer server = Peer.of(Role.SERVER, ProtocolConfig.defaults(), List.of(e));
        server.connection.sendText("Hello");
        assertThat(server.wire.takeHex()).isEqualTo("c107f248cdc9c90700");
        server.connection.sendText("Hello");
        assertThat(server.wire.takeHex()).isEqualTo("c105f200110000");
    }

    @Test
    void serverWithoutContextTakeoverCompressesEveryHelloTheSame() throws Exception {
        Extension e = negotiated("permessage-deflate", PerMessageDeflate.builder().threshold(0).build());
        assertThat(e.agreed().toString()).isEqualTo("permessage-deflate; server_no_context_takeover");
        Peer server = Peer.of(Role.SERVER, ProtocolConfig.defaults(), List.of(e));
        server.connection.sendText("Hello");
        server.connection.sendText("Hello");
        assertThat(server.wire.takeHex()).isEqualTo("c107f248cdc9c90700c107f248cdc9c90700");
    }

    @Test
    void messagesUnderTheThresholdGoUncompressedWithoutRsv1() throws Exception {
        Extension e = negotiated("permessage-deflate", PerMessageDeflate.builder().threshold(6).build());
        Peer server = Peer.of(Role.SERVER, ProtocolConfig.defaults(), List.of(e));
        server.connection.sendText("Hello");
        assertThat(server.wire.takeHex()).isEqualTo("810548656c6c6f");
    }

    @Test
    void controlFramesAreNeverCompressedAndRsv1OnThemIs1002() throws Exception {
        Peer client = clientWith("permessage-deflate");
        client.connection.sendPing(ByteBuffer.wrap("Hello".getBytes()));
        assertThat(client.wire.take()[0] & 0xFF).isEqualTo(0x89);
        client.receiveHex("c9 00");
        assertThat(client.events.closed.code()).isEqualTo(1002);
    }

    @Test
    void emptyMessagesRoundTrip() throws Exception {
        Peer client = clientWith("permessage-deflate");
        Extension server = negotiated("permessage-deflate", PerMessageDeflate.builder().threshold(0).build());
        Peer s = Peer.of(Role.SERVER, ProtocolConfig.defaults(), List.of(server));
        client.connection.sendText("");
        client.connection.sendBinary(ByteBuffer.allocate(0));
        s.receive(client.wire.take());
        assertThat(s.events.events).containsExactly("text:", "binary:");
    }

    @Test
    void anEmptyMessageWithAKeptWindowGoesUncompressedSoThePeerStaysInStep() throws Exception {
        PerMessageDeflate factory = PerMessageDeflate.builder().serverNoContextTakeover(false).threshold(0).build();
        Peer server = Peer.of(Role.SERVER, ProtocolConfig.defaults(), List.of(negotiated("permessage-deflate", factory)));
        server.connection.sendText("Hello");
        server.connection.sendText("");
        server.connection.sendText("Hello");
        assertThat(server.wire.takeHex()).isEqualTo("c107f248cdc9c90700" + "8100" + "c105f200110000");
        Peer client = clientWith("permessage-deflate").receiveHex("c107f248cdc9c90700" + "8100" + "c105f200110000");
        assertThat(client.events.events).containsExactly("text:Hello", "text:", "text:Hello");
    }

    @Test
    void anEmptyCompressedMessageFromAPeerIsAnEmptyMessageAndTheWindowSurvives() throws Exception {
        Peer client = clientWith("permessage-deflate")
                .receiveHex("c1 07 f2 48 cd c9 c9 07 00")
                .receiveHex("c1 00")
                .receiveHex("c1 05 f2 00 11 00 00");
        assertThat(client.events.events).containsExactly("text:Hello", "text:", "text:Hello");
    }

    @Test
    void corruptCompressedDataIs1007() throws Exception {
        Peer client = clientWith("permessage-deflate").receiveHex("c1 04 ff ff ff ff");
        assertThat(client.events.closed.code()).isEqualTo(1007);
    }

    // ---------------------------------------------------------------- negotiation

    @Test
    void declinesBadOrDuplicateParametersAndWindowsItCannotHonour() throws Exception {
        PerMessageDeflate f = PerMessageDeflate.defaults();
        for (String offer : List.of(
                "permessage-deflate; server_max_window_bits=10",
                "permessage-deflate; server_max_window_bits",
                "permessage-deflate; client_max_window_bits=16",
                "permessage-deflate; client_max_window_bits=08",
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                "permessage-deflate; server_no_context_takeover=1",
                "permessage-deflate; foo")) {
            assertThat(f.accept(ExtensionOffer.parse(offer).get(0))).as(offer).isEmpty();
        }
    }

    @Test
    void acceptsTheOffersBrowsersMake() throws Exception {
        PerMessageDeflate f = PerMessageDeflate.defaults();
        // Chromium and Firefox both send this.
        assertThat(negotiated("permessage-deflate; client_max_window_bits", f).agreed().toString())
                .isEqualTo("permessage-deflate; server_no_context_takeover");
        assertThat(negotiated("permessage-deflate; server_max_window_bits=15; client_no_context_takeover", f)
                .agreed().toString())
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15");
        assertThat(negotiated("permessage-deflate; client_no_context_takeover",
                PerMessageDeflate.builder().clientNoContextTakeover(true).build()).agreed().toString())
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    }

    @Test
    void clientRefusesAWindowItDidNotOfferAndUnknownParameters() {
        PerMessageDeflate f = PerMessageDeflate.defaults();
        assertThatThrownBy(() -> f.accepted(ExtensionOffer.parse("permessage-deflate; client_max_window_bits=10").get(0)))
                .isInstanceOf(ExtensionNegotiationException.class).hasMessageContaining("client_max_window_bits");
        assertThatThrownBy(() -> f.accepted(ExtensionOffer.parse("permessage-deflate; client_max_window_bits=15").get(0)))
                .isInstanceOf(ExtensionNegotiationException.class).hasMessageContaining("not offered");
        assertThatThrownBy(() -> f.accepted(ExtensionOffer.parse("permessage-deflate; x=1").get(0)))
                .isInstanceOf(ExtensionNegotiationException.class).hasMessageContaining("unknown");
        assertThat(f.offers().get(0).toString()).isEqualTo("permessage-deflate");
        assertThat(PerMessageDeflate.builder().offerClientNoContextTakeover(true).build().offers().get(0).toString())
                .isEqualTo("permessage-deflate; client_no_context_takeover");
    }

    @Test
    void theMemoryBudgetServesTheRestUncompressed() throws Exception {
        PerMessageDeflate f = PerMessageDeflate.builder().serverNoContextTakeover(false).maxContexts(2).build();
        Extension a = negotiated("permessage-deflate", f);
        negotiated("permessage-deflate", f);
        assertThat(f.accept(ExtensionOffer.parse("permessage-deflate").get(0))).isEmpty();
        a.close();
        assertThat(f.contextsInUse()).isEqualTo(1);
        assertThat(f.accept(ExtensionOffer.parse("permessage-deflate").get(0))).isPresent();
    }

    // ---------------------------------------------------------------- bombs

    @Test
    void aSmallFrameThatInflatesPastTheLimitIs1009WithoutAllocatingTheOutput() throws Exception {
        byte[] compressed = new byte[1 << 20];
        int n = deflateZeros(64 << 20, compressed);
        assertThat(n).isLessThan(128 << 10); // 64 MiB of zeros fit in well under 128 KiB
        Extension e = negotiated("permessage-deflate", PerMessageDeflate.defaults());
        Peer server = Peer.of(Role.SERVER, ProtocolConfig.builder().maxMessageSize(1 << 20).build(), List.of(e));
        byte[] frame = server.frameFromPeer(true, Extension.RSV1, Opcode.BINARY, java.util.Arrays.copyOf(compressed, n - 4));

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        server.receive(frame);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(server.events.closed.code()).isEqualTo(1009);
        assertThat(server.events.binaries).isEmpty();
        // The limit is 1 MiB and the bomb is 64 MiB: what was allocated is the 1 MiB buffer at most, not the bomb.
        assertThat(allocated).isLessThan(4L << 20);
    }

    @Test
    void closingTheConnectionReleasesTheExtension() throws Exception {
        PerMessageDeflate f = PerMessageDeflate.builder().serverNoContextTakeover(false).build();
        Extension e = negotiated("permessage-deflate", f);
        Connection server = Connection.server(ProtocolConfig.defaults(), List.of(e), new dev.duplex.protocol.ProtocolListener() { },
                (h, p) -> { });
        assertThat(f.contextsInUse()).isEqualTo(1);
        server.receiveEnd();
        assertThat(f.contextsInUse()).isZero();
    }

    /** Raw-deflates {@code size} zero bytes into {@code out} with a sync flush; returns the bytes written. */
    static int deflateZeros(int size, byte[] out) {
        Deflater d = new Deflater(9, true);
        d.setInput(new byte[size]);
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return n;
    }
}
