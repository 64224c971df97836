package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFC 6455 §5.7's example frames, read and written byte for byte, in both roles. */
class RfcVectorsTest {
    static final String HELLO_UNMASKED = "81 05 48 65 6c 6c 6f";
    static final String HELLO_MASKED = "81 85 37 fa 21 3d 7f 9f 4d 51 58";

    @Nested
    class Reading {
        @Test
        void singleFrameUnmaskedTextAsClient() {
            Peer client = Peer.client().receiveHex(HELLO_UNMASKED);
            assertThat(client.events.events).containsExactly("text:Hello");
        }

        @Test
        void singleFrameMaskedTextAsServer() {
            Peer server = Peer.server().receiveHex(HELLO_MASKED);
            assertThat(server.events.events).containsExactly("text:Hello");
        }

        @Test
        void fragmentedUnmaskedText() {
            Peer client = Peer.client().receiveHex("01 03 48 65 6c").receiveHex("80 02 6c 6f");
            assertThat(client.events.events).containsExactly("text:Hello");
        }

        @Test
        void unmaskedPingIsAnsweredWithAMaskedPongOfTheSamePayload() {
            Peer client = Peer.client().receiveHex("89 05 48 65 6c 6c 6f");
            assertThat(client.events.events).containsExactly("ping:48656c6c6f");
            // The masked pong of §5.7 is exactly what a client with that key sends back.
            assertThat(client.wire.takeHex()).isEqualTo("8a8537fa213d7f9f4d5158");
        }

        @Test
        void maskedPongAsServer() {
            Peer server = Peer.server().receiveHex("8a 85 37 fa 21 3d 7f 9f 4d 51 58");
            assertThat(server.events.events).containsExactly("pong:48656c6c6f");
            assertThat(server.wire.take()).isEmpty();
        }

        @Test
        void binary256BytesWith16BitLength() {
            byte[] payload = new byte[256];
            Arrays.fill(payload, (byte) 7);
            byte[] frame = concat(Hex.bytes("82 7E 01 00"), payload);
            Peer client = Peer.client().receive(frame);
            assertThat(client.events.binaries).hasSize(1);
            assertThat(client.events.binaries.get(0)).isEqualTo(payload);
        }

        @Test
        void binary64KiBWith64BitLength() {
            byte[] payload = new byte[65536];
            new java.util.Random(1).nextBytes(payload);
            byte[] frame = concat(Hex.bytes("82 7F 00 00 00 00 00 01 00 00"), payload);
            Peer client = Peer.client().receive(frame);
            assertThat(client.events.binaries.get(0)).isEqualTo(payload);
        }
    }

    @Nested
    class Writing {
        @Test
        void serverSendsUnmaskedHello() {
            Peer server = Peer.server();
            server.connection.sendText("Hello");
            assertThat(server.wire.takeHex()).isEqualTo(HELLO_UNMASKED.replace(" ", ""));
        }

        @Test
        void clientSendsMaskedHelloWithThePinnedKey() {
            Peer client = Peer.client();
            client.connection.sendText("Hello");
            assertThat(client.wire.takeHex()).isEqualTo(HELLO_MASKED.replace(" ", ""));
        }

        @Test
        void serverSendsTheFragmentedHello() {
            Peer server = Peer.server();
            server.connection.sendFragment(true, ByteBuffer.wrap("Hel".getBytes()), false);
            server.connection.sendFragment(true, ByteBuffer.wrap("lo".getBytes()), true);
            assertThat(server.wire.takeHex()).isEqualTo("010348656c" + "80026c6f");
        }

        @Test
        void serverSendsPing() {
            Peer server = Peer.server();
            server.connection.sendPing(ByteBuffer.wrap("Hello".getBytes()));
            assertThat(server.wire.takeHex()).isEqualTo("890548656c6c6f");
        }

        @Test
        void lengthsUseTheShortestEncoding() {
            assertThat(headerOf(125)).isEqualTo("827d");
            assertThat(headerOf(126)).isEqualTo("827e007e");
            assertThat(headerOf(65535)).isEqualTo("827effff");
            assertThat(headerOf(65536)).isEqualTo("827f0000000000010000");
        }

        private String headerOf(int size) {
            Peer server = Peer.server(ProtocolConfig.builder().maxMessageSize(1 << 20).build());
            server.connection.sendBinary(ByteBuffer.allocate(size));
            String hex = server.wire.takeHex();
            return hex.substring(0, hex.length() - 2 * size);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
