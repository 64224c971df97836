package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Messages delivered in parts as their bytes arrive (RFC 6455 §5.4 fragmentation, seen by a
 * streaming listener): whole code points per text part, 1007 and 1009 as early as for whole
 * messages, control frames in between, and the sending side's one-open-message rule.
 */
class StreamingReceiveTest {

    static ProtocolConfig parts() {
        return ProtocolConfig.builder().deliverParts(true).build();
    }

    @Test
    void rfc6455Section57FragmentedHelloArrivesAsTwoParts() {
        // §5.7: "A fragmented unmasked text message": 0x01 0x03 0x48 0x65 0x6c ("Hel"), 0x80 0x02 0x6c 0x6f ("lo").
        Peer client = Peer.client(ProtocolConfig.builder().deliverTextParts(true));
        client.receiveHex("01 03 48 65 6c").receiveHex("80 02 6c 6f");
        assertThat(client.events.events).containsExactly("textPart:48656c", "textPart:6c6f:last");
    }

    @Test
    void partsComeAsBytesArriveEvenInsideOneFrame() {
        // §5.7's masked "Hello" (one frame), fed in three reads: three parts, unmasked.
        Peer server = Peer.server(parts());
        byte[] frame = Hex.bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        server.receive(Arrays.copyOfRange(frame, 0, 8)).receive(Arrays.copyOfRange(frame, 8, 10))
                .receive(Arrays.copyOfRange(frame, 10, 11));
        assertThat(server.events.events).containsExactly("textPart:4865", "textPart:6c6c", "textPart:6f:last");
    }

    @Test
    void aCodePointSplitBetweenFramesIsHeldBackAndDeliveredWhole() {
        // "a€b" is 61 e2 82 ac 62; the euro sign is cut after its first byte, then after its second.
        Peer client = Peer.client(ProtocolConfig.builder().deliverTextParts(true));
        client.receiveHex("01 02 61 e2").receiveHex("00 01 82").receiveHex("80 02 ac 62");
        assertThat(client.events.events).containsExactly("textPart:61", "textPart:e282ac", "textPart:62:last");
    }

    @Test
    void aFourByteCodePointFedOneByteAtATimeIsOnePart() {
        byte[] emoji = "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8); // f0 9f 98 80
        Peer server = Peer.server(parts());
        server.receiveBytewise(server.frameFromPeer(true, 0, Opcode.TEXT, emoji));
        assertThat(server.events.events).containsExactly("textPart:f09f9880:last");
    }

    @Test
    void aCodePointCompletedMidPartComesBeforeTheRestOfThatPart() {
        // "é" (c3 a9) split between frames, followed by "xy" in the second frame.
        Peer client = Peer.client(ProtocolConfig.builder().deliverTextParts(true));
        client.receiveHex("01 01 c3").receiveHex("80 03 a9 78 79");
        assertThat(client.events.events).containsExactly("textPart:c3a9", "textPart:7879:last");
    }

    @Test
    void invalidUtf8InALaterPartIs1007AndThatPartIsNeverDelivered() {
        Peer server = Peer.server(parts());
        server.receiveFrame(false, 0, Opcode.TEXT, "Hel".getBytes());
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[] {'l', (byte) 0xFF, 'o'});
        assertThat(server.events.events).containsExactly("textPart:48656c", "closed:1007:local");
        assertThat(server.sentCloseCode()).isEqualTo(1007);
    }

    @Test
    void aSequenceBrokenAcrossPartsIs1007AtTheByteThatBreaksIt() {
        // e2 starts a 3-byte sequence; 41 ('A') cannot continue it.
        Peer client = Peer.client(ProtocolConfig.builder().deliverTextParts(true));
        client.receiveHex("01 02 61 e2").receiveHex("80 01 41");
        assertThat(client.events.events).containsExactly("textPart:61", "closed:1007:local");
    }

    @Test
    void aMessageEndingInsideACodePointIs1007() {
        Peer client = Peer.client(ProtocolConfig.builder().deliverTextParts(true));
        client.receiveHex("01 01 61").receiveHex("80 02 e2 82");
        assertThat(client.events.events).containsExactly("textPart:61", "closed:1007:local");
    }

    @Test
    void anEmptyFinalFrameAfterAHeldBackTailIs1007() {
        Peer client = Peer.client(ProtocolConfig.builder().deliverTextParts(true));
        client.receiveHex("01 02 61 e2").receiveHex("80 00");
        assertThat(client.events.events).containsExactly("textPart:61", "closed:1007:local");
    }

    @Test
    void theStreamedLimitIsCheckedFromTheDeclaredLengthBeforeAnyPayload() {
        Peer server = Peer.server(ProtocolConfig.builder().deliverParts(true).maxStreamedMessageSize(10).build());
        server.receiveFrame(false, 0, Opcode.BINARY, new byte[6]);
        // Only the header of a 5-byte continuation: 6 + 5 > 10, refused before its payload arrives.
        byte[] next = server.frameFromPeer(true, 0, Opcode.CONTINUATION, new byte[5]);
        server.receive(Arrays.copyOf(next, 6));
        assertThat(server.events.events).containsExactly("binaryPart:000000000000", "closed:1009:local");
        assertThat(server.sentCloseCode()).isEqualTo(1009);
    }

    @Test
    void aStreamedMessageMayExceedTheWholeMessageLimitUpToItsOwn() {
        ProtocolConfig config = ProtocolConfig.builder().deliverBinaryParts(true).maxMessageSize(4)
                .maxStreamedMessageSize(100).build();
        Peer server = Peer.server(config);
        server.receiveFrame(true, 0, Opcode.BINARY, new byte[50]); // one frame over maxMessageSize: its limit follows
        assertThat(server.events.events).hasSize(1).allMatch(e -> e.startsWith("binaryPart:") && e.endsWith(":last"));
        server.receiveFrame(true, 0, Opcode.TEXT, "hello".getBytes()); // text is still whole, and limited to 4
        assertThat(server.events.closed.code()).isEqualTo(1009);
    }

    @Test
    void anExplicitFrameLimitStillAppliesToStreamedMessages() {
        Peer server = Peer.server(ProtocolConfig.builder().deliverParts(true).maxFrameSize(8).build());
        server.receiveFrame(true, 0, Opcode.BINARY, new byte[9]);
        assertThat(server.events.closed.code()).isEqualTo(1009);
    }

    @Test
    void theDefaultStreamedLimitIs64MiBOrTheMessageLimitIfLarger() {
        assertThat(ProtocolConfig.defaults().maxStreamedMessageSize()).isEqualTo(64L << 20);
        assertThat(ProtocolConfig.builder().maxMessageSize(100L << 20).build().maxStreamedMessageSize())
                .isEqualTo(100L << 20);
    }

    @Test
    void controlFramesBetweenPartsAreHandledInOrder() {
        Peer server = Peer.server(parts());
        server.receiveFrame(false, 0, Opcode.TEXT, "Hel".getBytes());
        server.receiveFrame(true, 0, Opcode.PING, "p".getBytes());
        server.receiveFrame(false, 0, Opcode.CONTINUATION, "l".getBytes());
        server.receiveFrame(true, 0, Opcode.PONG, "q".getBytes());
        server.receiveFrame(true, 0, Opcode.CONTINUATION, "o".getBytes());
        server.receiveFrame(true, 0, Opcode.CLOSE, Hex.bytes("03e8"));
        assertThat(server.events.events).containsExactly("textPart:48656c", "ping:70", "textPart:6c",
                "pong:71", "textPart:6f:last", "closed:1000:peer");
        assertThat(server.wire.takeHex()).isEqualTo("8a0170" + "880203e8"); // the pong, then the close echoed
    }

    @Test
    void aCloseInTheMiddleOfAStreamedMessageEndsItWithoutALastPart() {
        Peer server = Peer.server(parts());
        server.receiveFrame(false, 0, Opcode.BINARY, new byte[] {1});
        server.receiveFrame(true, 0, Opcode.CLOSE, Hex.bytes("03e9"));
        assertThat(server.events.events).containsExactly("binaryPart:01", "closed:1001:peer");
        assertThat(server.connection.isIdle()).isTrue();
    }

    @Test
    void onlyTheChosenKindIsStreamed() {
        Peer server = Peer.server(ProtocolConfig.builder().deliverBinaryParts(true).build());
        server.receiveFrame(false, 0, Opcode.TEXT, "ab".getBytes());
        server.receiveFrame(true, 0, Opcode.CONTINUATION, "c".getBytes());
        server.receiveFrame(true, 0, Opcode.BINARY, new byte[] {7});
        assertThat(server.events.events).containsExactly("text:abc", "binaryPart:07:last");
    }

    @Test
    void withPartsGivesTheSameSharedConfigEachTime() {
        ProtocolConfig base = ProtocolConfig.builder().maxMessageSize(5).build();
        assertThat(base.withParts(false, false)).isSameAs(base);
        ProtocolConfig streaming = base.withParts(true, false);
        assertThat(base.withParts(true, false)).isSameAs(streaming);
        assertThat(streaming.deliverTextParts()).isTrue();
        assertThat(streaming.deliverBinaryParts()).isFalse();
        assertThat(streaming.maxMessageSize()).isEqualTo(5);
    }

    // ---------------------------------------------------------------- sending parts

    @Test
    void aMessageSentInPartsBlocksOtherMessagesAndNamesItself() {
        Peer server = Peer.server();
        server.connection.sendFragment(true, ByteBuffer.wrap("Hel".getBytes()), false);
        assertThat(server.connection.isSendingParts()).isTrue();
        assertThatThrownBy(() -> server.connection.sendBinary(ByteBuffer.allocate(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("text message being sent in parts").hasMessageContaining("last");
        assertThatThrownBy(() -> server.connection.sendFragment(false, ByteBuffer.allocate(1), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot continue the text");
        server.connection.sendPong(ByteBuffer.allocate(0));
        server.connection.sendFragment(true, ByteBuffer.wrap("lo".getBytes()), true);
        assertThat(server.connection.isSendingParts()).isFalse();
        // §5.7's two frames, with the pong between them.
        assertThat(server.wire.takeHex()).isEqualTo("010348656c" + "8a00" + "80026c6f");
    }

    @Test
    void partsSentFromAClientAreMaskedAndArriveWhole() {
        Peer client = Peer.client();
        client.connection.sendFragment(false, ByteBuffer.wrap(new byte[] {1, 2}), false);
        client.connection.sendFragment(false, ByteBuffer.wrap(new byte[] {3}), true);
        Peer server = Peer.server();
        server.receive(client.wire.take());
        assertThat(server.events.events).containsExactly("binary:010203");
    }
}
