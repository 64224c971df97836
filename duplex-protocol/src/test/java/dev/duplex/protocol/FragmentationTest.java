package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** RFC 6455 §5.4: fragmented messages, with control frames in between, delivered whole or in parts. */
class FragmentationTest {

    @Test
    void controlFramesInterleavedWithFragmentsAreHandledInOrder() {
        Peer server = Peer.server();
        server.receiveFrame(false, 0, Opcode.TEXT, "Hel".getBytes());
        server.receiveFrame(true, 0, Opcode.PING, "p".getBytes());
        server.receiveFrame(false, 0, Opcode.CONTINUATION, "l".getBytes());
        server.receiveFrame(true, 0, Opcode.PONG, "q".getBytes());
        server.receiveFrame(true, 0, Opcode.CONTINUATION, "o".getBytes());
        assertThat(server.events.events).containsExactly("ping:70", "pong:71", "text:Hello");
        assertThat(server.wire.takeHex()).isEqualTo("8a0170"); // the pong for the ping
    }

    @Test
    void emptyFragmentsMakeAnEmptyOrShortMessage() {
        Peer server = Peer.server();
        server.receiveFrame(false, 0, Opcode.TEXT, new byte[0]);
        server.receiveFrame(false, 0, Opcode.CONTINUATION, new byte[0]);
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[0]);
        server.receiveFrame(true, 0, Opcode.BINARY, new byte[0]);
        assertThat(server.events.events).containsExactly("text:", "binary:");
    }

    @Test
    void partsAreDeliveredAsTheyArriveWhenAsked() {
        Peer server = Peer.server(ProtocolConfig.builder().deliverParts(true).build());
        server.receiveFrame(false, 0, Opcode.BINARY, new byte[] {1, 2});
        server.receiveFrame(false, 0, Opcode.CONTINUATION, new byte[] {3});
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[0]);
        server.receiveFrame(true, 0, Opcode.TEXT, "hi".getBytes());
        assertThat(server.events.events).containsExactly(
                "binaryPart:0102", "binaryPart:03", "binaryPart::last", "textPart:6869:last");
    }

    @Test
    void partsStillCountAgainstTheMessageLimit() {
        Peer server = Peer.server(ProtocolConfig.builder().deliverParts(true).maxMessageSize(4).build());
        server.receiveFrame(false, 0, Opcode.BINARY, new byte[3]);
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[3]);
        assertThat(server.events.closed.code()).isEqualTo(1009);
    }

    @Test
    void aFragmentedOutgoingMessageBlocksOtherMessagesButNotControlFrames() {
        Peer server = Peer.server();
        server.connection.sendFragment(false, ByteBuffer.wrap(new byte[] {1}), false);
        assertThatThrownBy(() -> server.connection.sendText("interleaved"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fragmented");
        server.connection.sendPing(ByteBuffer.wrap(new byte[] {9}));
        server.connection.sendFragment(false, ByteBuffer.wrap(new byte[] {2}), true);
        server.connection.sendText("after");
        assertThat(server.wire.takeHex()).isEqualTo("020101" + "890109" + "800102" + "8105" + "6166746572");
    }

    @Test
    void sendTextRefusesBytesThatAreNotUtf8() {
        Peer server = Peer.server();
        assertThatThrownBy(() -> server.connection.sendText(ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0xAF})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void controlPayloadsOver125BytesAreRefusedToTheCaller() {
        Peer client = Peer.client();
        assertThatThrownBy(() -> client.connection.sendPing(ByteBuffer.allocate(126)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("125");
    }

    @Test
    void autoPongCanBeTurnedOff() {
        Peer server = Peer.server(ProtocolConfig.builder().autoPong(false).build());
        server.receiveFrame(true, 0, Opcode.PING, "x".getBytes());
        assertThat(server.wire.take()).isEmpty();
        assertThat(server.events.events).containsExactly("ping:78");
    }
}
