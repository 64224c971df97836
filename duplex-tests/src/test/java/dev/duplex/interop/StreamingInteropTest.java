package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming against foreign peers: the JDK's java.net.http client (which sends fragments with
 * {@code sendBinary(data, false)} and receives with {@code onBinary(.., last)}), Node {@code ws}
 * and Python {@code websockets} send messages, fragmented or whole, to a Duplex handler that
 * receives them in parts and relays every part straight back with {@code sendBinaryPart} /
 * {@code sendTextPart}; each peer must reassemble our fragmented message into what it sent.
 * Node and Python offer permessage-deflate, so their large messages also arrive compressed and
 * are inflated part by part; our parts go back uncompressed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingInteropTest {
    WebSocketServer server;
    Peer peer;
    /** What the Duplex handler saw of each message: kind, bytes, SHA-256, parts. */
    final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

    /** Receives in parts, checks each text part decodes alone, and relays each part back as one. */
    final class Relay implements WebSocketHandler {
        MessageDigest digest;
        long bytes;
        int parts;
        boolean badPart;

        @Override
        public void onBinaryPart(WebSocket ws, ByteBuffer data, boolean last) {
            take(data.duplicate(), last, "binary");
            ws.sendBinaryPart(data, last);
        }

        @Override
        public void onTextPart(WebSocket ws, ByteBuffer utf8, boolean last) {
            CharBuffer chars;
            try {
                chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8.duplicate());
            } catch (CharacterCodingException e) {
                badPart = true;
                chars = CharBuffer.wrap("");
            }
            take(utf8, last, "text");
            ws.sendTextPart(chars, last);
        }

        private void take(ByteBuffer b, boolean last, String kind) {
            try {
                if (digest == null) {
                    digest = MessageDigest.getInstance("SHA-256");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            parts++;
            bytes += b.remaining();
            digest.update(b);
            if (last) {
                seen.add(kind + " " + bytes + " " + HexFormat.of().formatHex(digest.digest()) + " parts=" + parts
                        + (badPart ? " BAD-PART" : ""));
                digest = null;
                bytes = 0;
                parts = 0;
                badPart = false;
            }
        }
    }

    void connect(String which) throws Exception {
        // The whole-message limit stays at its 1 MiB default: the 8 MiB messages below only fit
        // because the handler streams (the streamed limit is 64 MiB).
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/stream", new Relay()).build().start();
        URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/stream");
        switch (which) {
            case "jdk":
                peer = new JdkClientPeer(uri);
                break;
            case "node":
                Peers.require(Peers.NODE_WS);
                peer = ScriptPeer.node("client", uri.toString());
                break;
            default:
                Peers.require(Peers.PYTHON_WEBSOCKETS);
                peer = ScriptPeer.python("client", uri.toString());
                break;
        }
        peer.expect("open");
    }

    @AfterEach
    void tearDown() {
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    String nextSeen() throws InterruptedException {
        String s = seen.poll(60, TimeUnit.SECONDS);
        assertThat(s).as("the Duplex handler saw a whole message within 60 s").isNotNull();
        return s;
    }

    static int parts(String seenLine) {
        return Integer.parseInt(seenLine.replaceAll(".*parts=(\\d+).*", "$1"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "node", "python"})
    void fragmentedMessagesFromThePeerStreamInAndOurFragmentsReassembleThere(String which) throws Exception {
        connect(which);
        byte[] data = Payloads.pattern(100_000);
        List<byte[]> binaryParts = List.of(Arrays.copyOfRange(data, 0, 1), Arrays.copyOfRange(data, 1, 60_000),
                Arrays.copyOfRange(data, 60_000, 100_000));
        peer.sendBinaryFragments(binaryParts);
        String got = nextSeen();
        assertThat(got).startsWith("binary 100000 " + Payloads.sha256(data));
        assertThat(parts(got)).isGreaterThanOrEqualTo(3);
        InteropContract.assertMessage(peer.expect("binary"), data);

        List<String> textParts = List.of("Frag", "mented wörld ", "\uD834\uDD1E € ✓", "");
        String text = String.join("", textParts);
        peer.sendTextFragments(textParts);
        assertThat(nextSeen()).startsWith("text " + Payloads.utf8(text).length + " " + Payloads.sha256(Payloads.utf8(text)))
                .doesNotContain("BAD-PART");
        InteropContract.assertText(peer.expect("text"), text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "node", "python"})
    void messagesEightTimesTheWholeMessageLimitStreamThroughBothWays(String which) throws Exception {
        connect(which);
        peer.sendBigBinary(Payloads.BIG);
        byte[] big = Payloads.pattern(Payloads.BIG);
        String got = nextSeen();
        assertThat(got).startsWith("binary " + big.length + " " + Payloads.sha256(big));
        assertThat(parts(got)).isGreaterThan(8); // in pieces as it arrived, never one 8 MiB buffer
        InteropContract.assertMessage(peer.expect("binary"), big);

        peer.sendBigText(Payloads.BIG_TEXT_REPS);
        String text = Payloads.bigText(Payloads.BIG_TEXT_REPS);
        byte[] utf8 = Payloads.utf8(text);
        assertThat(nextSeen()).startsWith("text " + utf8.length + " " + Payloads.sha256(utf8)).doesNotContain("BAD-PART");
        Event e = peer.expect("text");
        InteropContract.assertMessage(e, utf8);
    }
}
