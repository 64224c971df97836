package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.ClientOptions;
import dev.duplex.WebSocketClient;
import dev.duplex.WebSocketServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every peer, in every direction, must agree with Duplex on. A subclass connects Duplex (a
 * {@link WebSocketServer} or {@link WebSocketClient} whose handler is {@link #duplex}) with one
 * {@link Peer}; the tests here then drive both ends and compare what each side saw.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class InteropContract {
    static final String PATH = "/interop";
    static final String PEER_REASON = "peer is done: au revoir, adiós ✓";
    static final String DUPLEX_REASON = "duplex is done: tschüss — さようなら";

    final DuplexSide duplex = new DuplexSide();
    Peer peer;
    WebSocketServer server;
    WebSocketClient client;

    /** Starts the peer, assigning {@link #peer} first thing, and connects it with Duplex. */
    abstract void connect() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        connect();
        duplex.ws();
        peer.expect("open");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (peer != null) {
                peer.close();
            }
        } finally {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.stop(Duration.ofSeconds(1));
            }
        }
    }

    /** Starts a Duplex server with {@link #duplex} at {@link #PATH}; the URI for the peer to connect to. */
    URI startDuplexServer() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .maxMessageSize(Payloads.MAX_MESSAGE).route(PATH, duplex).build().start();
        return URI.create("ws://127.0.0.1:" + server.port() + PATH);
    }

    /** Connects a Duplex client with {@link #duplex} to a peer's server on {@code port}. */
    void openDuplexClient(int port) throws Exception {
        client = WebSocketClient.create(1);
        client.open(URI.create("ws://127.0.0.1:" + port + PATH), duplex,
                ClientOptions.builder().maxMessageSize(Payloads.MAX_MESSAGE).build()).get(30, TimeUnit.SECONDS);
    }

    static void assertMessage(Event e, byte[] expected) {
        assertThat(e.num("bytes")).as("size of %s", e).isEqualTo(expected.length);
        assertThat(e.str("sha256")).as("SHA-256 of %s", e).isEqualTo(Payloads.sha256(expected));
    }

    static void assertText(Event e, String expected) {
        assertThat(e.type).isEqualTo("text");
        assertMessage(e, Payloads.utf8(expected));
        if (expected.length() <= 1000) {
            assertThat(e.str("data")).isEqualTo(expected);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void textBothWays() throws Exception {
        List<String> texts = List.of("hello", "", "UTF-8: é € 𝄞 日本語 ✓", "x".repeat(125), "y".repeat(126),
                "z".repeat(65535), "é".repeat(40_000));
        for (String t : texts) {
            peer.sendText(t);
            assertText(duplex.expect("text"), t);
        }
        for (String t : texts) {
            duplex.ws().sendText(t);
            assertText(peer.expect("text"), t);
        }
    }

    @Test
    void binaryBothWaysAtEveryLengthEncoding() throws Exception {
        for (int size : new int[] {0, 1, 125, 126, 127, 65535, 65536, 70_000}) {
            byte[] data = Payloads.pattern(size);
            peer.sendBinary(data);
            Event got = duplex.expect("binary");
            assertMessage(got, data);
            duplex.ws().sendBinary(data);
            assertMessage(peer.expect("binary"), data);
        }
    }

    @Test
    void fragmentedTextFromPeerArrivesWhole() throws Exception {
        List<String> parts = List.of("Frag", "mented ", "wörld 𝄞", "");
        peer.sendTextFragments(parts);
        assertText(duplex.expect("text"), String.join("", parts));
        peer.sendText("after");
        assertText(duplex.expect("text"), "after"); // one message, not one per fragment
    }

    @Test
    void fragmentedBinaryFromPeerArrivesWhole() throws Exception {
        List<byte[]> parts = List.of(Payloads.pattern(1000), Payloads.pattern(70_000), Payloads.pattern(1));
        peer.sendBinaryFragments(parts);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        parts.forEach(all::writeBytes);
        assertMessage(duplex.expect("binary"), all.toByteArray());
        peer.sendText("after");
        assertText(duplex.expect("text"), "after");
    }

    @Test
    void largeMessagesFromPeer() throws Exception {
        peer.sendBigBinary(Payloads.BIG);
        assertMessage(duplex.expect("binary"), Payloads.pattern(Payloads.BIG));
        peer.sendBigText(Payloads.BIG_TEXT_REPS);
        assertMessage(duplex.expect("text"), Payloads.utf8(Payloads.bigText(Payloads.BIG_TEXT_REPS)));
    }

    @Test
    void largeMessagesToPeer() throws Exception {
        byte[] big = Payloads.pattern(Payloads.BIG);
        duplex.ws().sendBinary(ByteBuffer.wrap(big));
        assertMessage(peer.expect("binary"), big);
        String text = Payloads.bigText(Payloads.BIG_TEXT_REPS);
        duplex.ws().sendText(text);
        assertMessage(peer.expect("text"), Payloads.utf8(text));
    }

    @Test
    void peerPingsAreAnsweredWithTheirPayload() throws Exception {
        for (byte[] payload : List.of(Payloads.utf8("ping from the peer ✓"), Payloads.pattern(125))) {
            peer.ping(payload);
            assertThat(duplex.expect("ping").bytesOf("b64")).as("payload our handler saw").isEqualTo(payload);
            assertThat(peer.expect("pong").bytesOf("b64")).as("payload of the pong the peer got").isEqualTo(payload);
        }
    }

    @Test
    void ourPingsAreAnsweredByThePeer() throws Exception {
        for (byte[] payload : List.of(Payloads.utf8("ping from Duplex ✓"), Payloads.pattern(125))) {
            duplex.ws().sendPing(ByteBuffer.wrap(payload)).get(10, TimeUnit.SECONDS);
            assertThat(duplex.expect("pong").bytesOf("b64")).as("payload of the pong we got").isEqualTo(payload);
            if (peer.reportsPings()) {
                assertThat(peer.expect("ping").bytesOf("b64")).as("payload the peer saw").isEqualTo(payload);
            }
        }
    }

    @Test
    void peerClosesWithCodeAndReason() throws Exception {
        peer.close(4001, PEER_REASON);
        Event ours = duplex.expect("close");
        assertThat(ours.num("code")).as("code our handler saw: %s", ours).isEqualTo(4001);
        assertThat(ours.str("reason")).as("reason our handler saw").isEqualTo(PEER_REASON);
        assertThat(ours.fields.get("byPeer")).as("closedByPeer").isEqualTo(true);
        Event theirs = peer.expect("close");
        assertThat(theirs.num("code")).as("code the peer got back: %s", theirs).isEqualTo(4001);
        assertThat(duplex.ws().isOpen()).isFalse();
    }

    @Test
    void duplexClosesWithCodeAndReason() throws Exception {
        duplex.ws().close(4002, DUPLEX_REASON).get(10, TimeUnit.SECONDS);
        Event theirs = peer.expect("close");
        assertThat(theirs.num("code")).as("code the peer saw: %s", theirs).isEqualTo(4002);
        assertThat(theirs.str("reason")).as("reason the peer saw").isEqualTo(DUPLEX_REASON);
        Event ours = duplex.expect("close");
        assertThat(ours.num("code")).as("code our handler saw: %s", ours).isEqualTo(4002);
        assertThat(ours.fields.get("byPeer")).as("closedByPeer").isEqualTo(false);
    }

    /** A ping between the fragments of a message is answered at once, and the message arrives whole. */
    void assertPingInsideAFragmentedMessage(ScriptPeer script) throws Exception {
        byte[] ping = Payloads.utf8("ping between fragments");
        script.sendTextFragmentsWithPing(List.of("first ", "second ", "third"), ping);
        assertThat(duplex.expect("ping").bytesOf("b64")).isEqualTo(ping);
        assertText(duplex.expect("text"), "first second third");
        assertThat(peer.expect("pong").bytesOf("b64")).isEqualTo(ping);
    }

    /** A close frame without a code: 1005 for our handler, and an empty close frame back (1005 for the peer). */
    void assertCloseWithoutCode(ScriptPeer script) throws Exception {
        script.closeWithoutCode();
        Event ours = duplex.expect("close");
        assertThat(ours.num("code")).as("code our handler saw: %s", ours).isEqualTo(1005);
        assertThat(ours.str("reason")).isEmpty();
        assertThat(ours.fields.get("byPeer")).isEqualTo(true);
        Event theirs = peer.expect("close");
        assertThat(theirs.num("code")).as("code the peer saw: %s", theirs).isEqualTo(1005);
    }

    /** A message over our limit ({@link Payloads#MAX_MESSAGE}) is refused with 1009 Message Too Big. */
    void assertTooBigIsRefusedWith1009(ScriptPeer script) throws Exception {
        script.sendBigBinary((int) Payloads.MAX_MESSAGE + 1);
        Event ours = duplex.expect("close");
        assertThat(ours.num("code")).as("code our handler saw: %s", ours).isEqualTo(1009);
        assertThat(ours.fields.get("byPeer")).isEqualTo(false);
        Event theirs;
        do {
            theirs = peer.next(30); // the peer may report its interrupted send first
        } while (theirs.type.equals("error"));
        assertThat(theirs.type).isEqualTo("close");
        assertThat(theirs.num("code")).as("code the peer saw: %s", theirs).isEqualTo(1009);
    }

    /** For peers that can send raw bytes as text frames: a character split across fragments. */
    void assertSplitUtf8IsReassembled(ScriptPeer script) throws Exception {
        byte[] all = Payloads.utf8("a€b𝄞c");
        // split inside the 3-byte euro sign and inside the 4-byte G clef
        List<byte[]> parts = List.of(Arrays.copyOfRange(all, 0, 2), Arrays.copyOfRange(all, 2, 7),
                Arrays.copyOfRange(all, 7, all.length));
        script.sendRawTextFragments(parts);
        assertText(duplex.expect("text"), "a€b𝄞c");
    }
}
