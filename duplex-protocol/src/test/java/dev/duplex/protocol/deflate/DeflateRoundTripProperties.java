package dev.duplex.protocol.deflate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Peer;
import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.Recorder;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.Wire;
import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any sequence of messages survives compression and decompression in both directions, under
 * every combination of the four parameters, whatever the threshold and level, however TCP
 * splits the bytes.
 */
class DeflateRoundTripProperties {

    @Provide
    Arbitrary<List<byte[]>> messages() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        // Compressible text: JSON-like repetition, including multi-byte characters.
        Arbitrary<byte[]> json = Arbitraries.integers().between(0, 200).map(n -> {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                sb.append("{\"id\":").append(i).append(",\"name\":\"caf\u00e9 ").append(i % 7).append("\"},");
            }
            return sb.append("]").toString().getBytes(StandardCharsets.UTF_8);
        });
        return Arbitraries.oneOf(random, json).list().ofMaxSize(10);
    }

    @Property(tries = 400)
    void everyParameterCombinationRoundTrips(@ForAll("messages") List<byte[]> messages,
                                             @ForAll boolean serverNoContext, @ForAll boolean clientNoContextOffered,
                                             @ForAll boolean clientNoContextAccepted, @ForAll boolean windowBitsInOffer,
                                             @ForAll @IntRange(max = 300) int threshold, @ForAll @IntRange(min = 1, max = 9) int level,
                                             @ForAll @IntRange(min = 1, max = 500) int chunk) throws Exception {
        PerMessageDeflate serverFactory = PerMessageDeflate.builder().serverNoContextTakeover(serverNoContext)
                .clientNoContextTakeover(clientNoContextAccepted).threshold(threshold).level(level).build();
        PerMessageDeflate clientFactory = PerMessageDeflate.builder().offerClientNoContextTakeover(clientNoContextOffered)
                .threshold(threshold).level(level).build();
        ExtensionOffer offer = clientFactory.offers().get(0);
        if (windowBitsInOffer) {
            offer = ExtensionOffer.parse(offer + "; client_max_window_bits; server_max_window_bits=15").get(0);
        }
        Extension serverSide = serverFactory.accept(offer).orElseThrow();
        Extension clientSide = clientFactory.accepted(ExtensionOffer.parse(serverSide.agreed().toString()).get(0));

        ProtocolConfig config = ProtocolConfig.builder().maxMessageSize(1 << 20).build();
        Wire clientWire = new Wire();
        Wire serverWire = new Wire();
        Recorder clientEvents = new Recorder();
        Recorder serverEvents = new Recorder();
        Connection client = Connection.client(config, List.of(clientSide), clientEvents, clientWire);
        Connection server = Connection.server(config, List.of(serverSide), serverEvents, serverWire);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            byte[] m = messages.get(i);
            boolean text = i % 2 == 1 && dev.duplex.protocol.Utf8Validator.isValid(m);
            if (text) {
                String s = new String(m, StandardCharsets.UTF_8);
                client.sendText(s);
                server.sendText(s);
                expected.add("text:" + s);
            } else {
                client.sendBinary(ByteBuffer.wrap(m.clone()));
                server.sendBinary(ByteBuffer.wrap(m.clone()));
                expected.add("binary:" + Recorder.describe(m));
            }
        }
        feed(server, clientWire.take(), chunk);
        feed(client, serverWire.take(), chunk);
        assertThat(serverEvents.events).containsExactlyElementsOf(expected);
        assertThat(clientEvents.events).containsExactlyElementsOf(expected);
    }

    static void feed(Connection c, byte[] bytes, int chunk) {
        for (int pos = 0; pos < bytes.length; pos += chunk) {
            c.receive(ByteBuffer.wrap(bytes, pos, Math.min(chunk, bytes.length - pos)));
        }
    }

    @Property(tries = 200)
    void compressedMessagesReallyShrink(@ForAll @IntRange(min = 40, max = 200) int records) throws Exception {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < records; i++) {
            sb.append("{\"id\":").append(i).append(",\"kind\":\"chat\",\"text\":\"hello there\"},");
        }
        String json = sb.append("]").toString();
        Extension e = PerMessageDeflate.defaults().accept(ExtensionOffer.of("permessage-deflate")).orElseThrow();
        Peer server = Peer.of(Role.SERVER, ProtocolConfig.defaults(), List.of(e));
        server.connection.sendText(json);
        assertThat(server.wire.take().length).isLessThan(json.length() / 3);
    }
}
