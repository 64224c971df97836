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
    void aMessageInTensOfThousandsOfTinyFragmentsIsNotCopiedOverAndOver() {
        // 65,536 fragments of 64 bytes: growing the buffer one fragment at a time would allocate
        // (and copy) about 128 GiB; doubling allocates under 16 MiB. Measured, not timed.
        Peer server = Peer.server(ProtocolConfig.builder().maxMessageSize(16 << 20).build());
        byte[] part = new byte[64];
        java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
        frames.writeBytes(server.frameFromPeer(false, 0, Opcode.BINARY, part));
        for (int i = 1; i < 65_535; i++) {
            frames.writeBytes(server.frameFromPeer(false, 0, Opcode.CONTINUATION, part));
        }
        frames.writeBytes(server.frameFromPeer(true, 0, Opcode.CONTINUATION, part));
        byte[] wire = frames.toByteArray();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        server.receive(wire);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(server.events.binaries).hasSize(1);
        assertThat(server.events.binaries.get(0)).hasSize(64 * 65_536);
        // The recorder's own copy of the 4 MiB message counts too.
        assertThat(allocated).isLessThan(24L << 20);
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
    void partsStillCountAgainstTheStreamedMessageLimit() {
        Peer server = Peer.server(ProtocolConfig.builder().deliverParts(true).maxStreamedMessageSize(4).build());
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
