package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** RFC 6455 §5.5.1 and §7: the closing handshake, started by either side or both at once. */
class ClosingHandshakeTest {

    /** Wires a client and a server back to back and pumps bytes until neither has anything to say. */
    static void pump(Peer client, Peer server) {
        for (int i = 0; i < 10; i++) {
            byte[] c = client.wire.take();
            byte[] s = server.wire.take();
            if (c.length == 0 && s.length == 0) {
                return;
            }
            server.receive(c);
            client.receive(s);
        }
        throw new AssertionError("the peers kept talking");
    }

    @Test
    void serverStartsClientEchoesServerClosesTcp() {
        Peer client = Peer.client();
        Peer server = Peer.server();
        server.connection.close(1000, "bye");
        assertThat(server.connection.state()).isEqualTo(Connection.State.CLOSE_SENT);
        assertThat(server.connection.shouldCloseTransport()).isFalse();
        pump(client, server);
        assertThat(client.events.events).containsExactly("closed:1000:peer");
        assertThat(client.events.closed.reason()).isEqualTo("bye");
        assertThat(server.events.events).containsExactly("closed:1000:local");
        assertThat(server.connection.shouldCloseTransport()).isTrue();
        // The client waits for the server to close TCP (§7.1.1).
        assertThat(client.connection.state()).isEqualTo(Connection.State.CLOSED);
        assertThat(client.connection.shouldCloseTransport()).isFalse();
    }

    @Test
    void clientStartsServerEchoesTheCodeAndClosesTcp() {
        Peer client = Peer.client();
        Peer server = Peer.server();
        client.connection.close(4000, "app reason");
        server.receive(client.wire.take());
        assertThat(server.events.events).containsExactly("closed:4000:peer");
        assertThat(server.connection.shouldCloseTransport()).isTrue();
        assertThat(server.sentCloseCode()).isEqualTo(4000);
    }

    @Test
    void serverEchoesThePeersCodeExactly() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.CLOSE, new byte[] {0x03, (byte) 0xe9}); // 1001
        assertThat(server.wire.takeHex()).isEqualTo("880203e9");
    }

    @Test
    void anEmptyCloseIsAnsweredWithAnEmptyCloseAndReportedAs1005() {
        Peer server = Peer.server();
        server.receiveFrame(true, 0, Opcode.CLOSE, new byte[0]);
        assertThat(server.wire.takeHex()).isEqualTo("8800");
        assertThat(server.events.closed.code()).isEqualTo(CloseStatus.NO_STATUS_RECEIVED);
    }

    @Test
    void simultaneousCloseCompletesOnBothSidesWithoutAThirdFrame() {
        Peer client = Peer.client();
        Peer server = Peer.server();
        client.connection.close(1000, "");
        server.connection.close(1001, "");
        byte[] fromClient = client.wire.take();
        byte[] fromServer = server.wire.take();
        server.receive(fromClient);
        client.receive(fromServer);
        assertThat(server.wire.take()).isEmpty();
        assertThat(client.wire.take()).isEmpty();
        assertThat(server.events.events).containsExactly("closed:1000:local");
        assertThat(client.events.events).containsExactly("closed:1001:local");
        assertThat(server.connection.shouldCloseTransport()).isTrue();
    }

    @Test
    void noDataIsSentAfterClose() {
        Peer server = Peer.server();
        server.connection.close(1000, "");
        assertThatThrownBy(() -> server.connection.sendText("late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closing");
        assertThatThrownBy(() -> server.connection.sendPing(ByteBuffer.allocate(0)))
                .isInstanceOf(IllegalStateException.class);
        server.connection.close(1000, "again"); // a second close is a no-op
        assertThat(server.wire.takeHex()).isEqualTo("880203e8");
    }

    @Test
    void dataStillArrivesAfterWeSentCloseUntilThePeersClose() {
        Peer server = Peer.server();
        server.connection.close(1000, "");
        server.receiveFrame(true, 0, Opcode.TEXT, "in flight".getBytes());
        server.receiveFrame(true, 0, Opcode.CLOSE, new byte[] {0x03, (byte) 0xe8});
        assertThat(server.events.events).containsExactly("text:in flight", "closed:1000:local");
    }

    @Test
    void dataAfterThePeersCloseIsDiscarded() {
        Peer server = Peer.server();
        byte[] close = server.frameFromPeer(true, 0, Opcode.CLOSE, new byte[] {0x03, (byte) 0xe8});
        byte[] text = server.frameFromPeer(true, 0, Opcode.TEXT, "late".getBytes());
        server.receive(RfcVectorsTest.concat(close, text));
        assertThat(server.events.events).containsExactly("closed:1000:peer");
    }

    @Test
    void pingsAfterWeSentCloseGetNoPong() {
        Peer server = Peer.server();
        server.connection.close(1000, "");
        server.wire.take();
        server.receiveFrame(true, 0, Opcode.PING, "p".getBytes());
        assertThat(server.wire.take()).isEmpty();
        assertThat(server.events.events).containsExactly("ping:70");
    }

    @Test
    void closeAfterAnUnfinishedFragmentedMessageClosesCleanly() {
        Peer server = Peer.server();
        server.receiveFrame(false, 0, Opcode.TEXT, "part".getBytes());
        server.receiveFrame(true, 0, Opcode.CLOSE, new byte[] {0x03, (byte) 0xe8});
        assertThat(server.events.events).containsExactly("closed:1000:peer");
        assertThat(server.sentCloseCode()).isEqualTo(1000);
    }

    @Test
    void endOfStreamWithoutCloseIs1006() {
        Peer client = Peer.client();
        client.connection.receiveEnd();
        assertThat(client.events.events).containsExactly("closed:1006:peer");
        assertThat(client.connection.shouldCloseTransport()).isTrue();
        client.connection.receiveEnd();
        assertThat(client.events.events).hasSize(1);
    }

    @Test
    void applicationsCannotSendReservedCodesOrLongReasons() {
        Peer server = Peer.server();
        assertThatThrownBy(() -> server.connection.close(1005, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1005");
        assertThatThrownBy(() -> server.connection.close(1000, "x".repeat(124)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("123");
        server.connection.close(1000, "x".repeat(123));
        assertThat(server.wire.take()).hasSize(2 + 125);
    }
}
