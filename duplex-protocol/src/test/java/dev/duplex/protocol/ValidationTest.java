package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.frame.FrameWriter;
import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 §5 and §7: every way a peer can break the framing rules, each answered with the close
 * code the RFC names, after which the connection is closed and ignores further input.
 */
class ValidationTest {

    private static void assertFailedWith(Peer peer, int code) {
        assertThat(peer.events.closed).as("closed").isNotNull();
        assertThat(peer.events.closed.code()).isEqualTo(code);
        assertThat(peer.events.closedByPeer).isFalse();
        assertThat(peer.connection.isFailed()).isTrue();
        assertThat(peer.connection.state()).isEqualTo(Connection.State.CLOSED);
        assertThat(peer.connection.shouldCloseTransport()).isTrue();
        assertThat(peer.sentCloseCode()).isEqualTo(code);
    }

    @Test
    void unmaskedClientFrameIs1002() {
        Peer server = Peer.server().receiveHex("81 05 48 65 6c 6c 6f");
        assertFailedWith(server, 1002);
        assertThat(server.events.events).containsExactly("closed:1002:local");
    }

    @Test
    void maskedServerFrameIs1002() {
        Peer client = Peer.client().receiveHex("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        assertThat(client.events.closed.code()).isEqualTo(1002);
        assertThat(client.connection.shouldCloseTransport()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
    void rsvBitsWithoutAnExtensionAre1002(int rsv) {
        Peer server = Peer.server();
        server.receiveFrame(true, rsv, Opcode.TEXT, "Hello".getBytes());
        assertFailedWith(server, 1002);
        assertThat(server.events.events).containsExactly("closed:1002:local");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x40, 0x20, 0x10})
    void rsvBitsOnControlFramesAre1002(int rsv) {
        Peer server = Peer.server();
        server.receiveFrame(true, rsv, Opcode.PING, new byte[0]);
        assertFailedWith(server, 1002);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodesAre1002(int opcode) {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.TEXT, "ok".getBytes());
        server.receiveFrame(true, 0, opcode, new byte[0]);
        assertThat(server.events.events).containsExactly("text:ok", "closed:1002:local");
        assertFailedWith(server, 1002);
    }

    @Test
    void controlFrameOver125BytesIs1002() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.PING, new byte[126]);
        assertFailedWith(server, 1002);
    }

    @Test
    void fragmentedControlFrameIs1002() {
        Peer server = Peer.server();
        server.receiveFrame(false, 0, Opcode.PING, "a".getBytes());
        assertFailedWith(server, 1002);
    }

    @Test
    void continuationWithoutAMessageIs1002() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.CONTINUATION, "lo".getBytes());
        assertFailedWith(server, 1002);
    }

    @Test
    void newDataFrameInsideAFragmentedMessageIs1002() {
        Peer server = Peer.server();
        server.receiveFrame(false, 0, Opcode.TEXT, "Hel".getBytes());
        server.receiveFrame(true, 0, Opcode.BINARY, "lo".getBytes());
        assertFailedWith(server, 1002);
        assertThat(server.events.events).containsExactly("closed:1002:local");
    }

    @Test
    void sixtyFourBitLengthWithTheHighBitSetIs1002() {
        Peer client = Peer.client().receiveHex("82 7f 80 00 00 00 00 00 00 01");
        assertThat(client.events.closed.code()).isEqualTo(1002);
    }

    @Test
    void invalidUtf8InATextMessageIs1007() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.TEXT, Hex.bytes("cebae1bdb9cf83cebcceb5eda080656469746564"));
        assertFailedWith(server, 1007);
    }

    @Test
    void invalidUtf8FailsAtTheFirstBadByteBeforeTheFrameEnds() {
        Peer server = Peer.server();
        byte[] payload = new byte[1000];
        java.util.Arrays.fill(payload, (byte) 'a');
        payload[10] = (byte) 0xFF;
        byte[] frame = server.frameFromPeer(true, 0, Opcode.TEXT, payload);
        // Only the header and the first 20 payload bytes arrive: the connection already fails.
        server.receive(java.util.Arrays.copyOf(frame, FrameWriter.headerLength(1000, true) + 20));
        assertFailedWith(server, 1007);
    }

    @Test
    void invalidUtf8InALaterFragmentFailsBeforeTheMessageEnds() {
        Peer server = Peer.server();
        server.receiveFrame(false, 0, Opcode.TEXT, "valid".getBytes());
        server.receiveFrame(false, 0, Opcode.CONTINUATION, Hex.bytes("eda080"));
        assertFailedWith(server, 1007);
    }

    @Test
    void aCodePointSplitAcrossFramesIsValid() {
        Peer server = Peer.server();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // e2 82 ac
        server.receiveFrame(false, 0, Opcode.TEXT, new byte[] {euro[0]});
        server.receiveFrame(false, 0, Opcode.CONTINUATION, new byte[] {euro[1]});
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[] {euro[2]});
        assertThat(server.events.events).containsExactly("text:€");
    }

    @Test
    void textEndingInsideACodePointIs1007() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.TEXT, Hex.bytes("41e282"));
        assertFailedWith(server, 1007);
    }

    @Test
    void messageOverTheLimitIs1009BeforeItsPayloadArrives() {
        Peer server = Peer.server(ProtocolConfig.builder().maxMessageSize(1000).build());
        byte[] frame = server.frameFromPeer(true, 0, Opcode.BINARY, new byte[1001]);
        server.receive(java.util.Arrays.copyOf(frame, FrameWriter.headerLength(1001, true)));
        assertFailedWith(server, 1009);
    }

    @Test
    void declaredLengthOfTerabytesIs1009WithoutAllocating() {
        Peer client = Peer.client().receiveHex("82 7f 00 00 01 00 00 00 00 00");
        assertThat(client.events.closed.code()).isEqualTo(1009);
    }

    @Test
    void fragmentsThatAddUpPastTheLimitAre1009() {
        Peer server = Peer.server(ProtocolConfig.builder().maxMessageSize(10).build());
        server.receiveFrame(false, 0, Opcode.BINARY, new byte[6]);
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[5]);
        assertFailedWith(server, 1009);
    }

    @Test
    void frameOverTheFrameLimitIs1009() {
        Peer server = Peer.server(ProtocolConfig.builder().maxMessageSize(100).maxFrameSize(10).build());
        server.receiveFrame(true, 0, Opcode.BINARY, new byte[11]);
        assertFailedWith(server, 1009);
    }

    @Test
    void messageExactlyAtTheLimitIsAccepted() {
        Peer server = Peer.server(ProtocolConfig.builder().maxMessageSize(10).build());
        server.receiveFrame(false, 0, Opcode.BINARY, new byte[6]);
        server.receiveFrame(true, 0, Opcode.CONTINUATION, new byte[4]);
        assertThat(server.events.binaries).hasSize(1);
        assertThat(server.events.closed).isNull();
    }

    @Test
    void closeFrameWithOneBytePayloadIs1002() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.CLOSE, new byte[] {0x03});
        assertFailedWith(server, 1002);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void closeCodesThatMayNotBeSentAre1002(int code) {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
        assertFailedWith(server, 1002);
    }

    @Test
    void closeReasonThatIsNotUtf8Is1007() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.CLOSE, Hex.bytes("03e8 cebae1bdb9cf83cebcceb5eda080"));
        assertFailedWith(server, 1007);
    }

    @Test
    void inputAfterAFailureIsIgnored() {
        Peer server = Peer.server().receiveHex("81 05 48 65 6c 6c 6f");
        server.wire.take();
        server.receiveFrame(true, 0, Opcode.TEXT, "more".getBytes());
        server.receiveFrame(true, 0, Opcode.PING, "p".getBytes());
        assertThat(server.events.events).containsExactly("closed:1002:local");
        assertThat(server.wire.take()).isEmpty();
    }

    @Test
    void violationsReachingThePeerCarryAReasonThatFitsAControlFrame() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, 0xB, new byte[0]);
        byte[] out = server.wire.take();
        assertThat(out[1] & 0x7F).isLessThanOrEqualTo(125);
        String reason = new String(out, 4, out.length - 4, StandardCharsets.UTF_8);
        assertThat(reason).isEqualTo("reserved opcode 0xb is not defined");
    }

    @Test
    void aFrameSplitIntoSingleBytesIsStillCheckedAtTheFirstBadByte() {
        Peer server = Peer.server();
        ByteBuffer f = FrameWriter.frame(true, 0, Opcode.TEXT, ByteBuffer.wrap(Hex.bytes("414243ff4445")), true, Peer.RFC_KEY);
        byte[] b = new byte[f.remaining()];
        f.get(b);
        // header (6) + "ABC" + 0xff: the fourth payload byte is the bad one.
        server.receiveBytewise(java.util.Arrays.copyOf(b, 6 + 4));
        assertFailedWith(server, 1007);
    }
}
