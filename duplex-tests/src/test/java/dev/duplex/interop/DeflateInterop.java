package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.ClientOptions;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import dev.duplex.WebSocketServer;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;

/**
 * permessage-deflate (RFC 7692) with a script peer: both ends negotiate it (or, for a variant
 * that expects it, do not), then exchange text and binary, small and large (1 and 8 MiB of
 * compressible JSON-like text and of incompressible random bytes), fragmented compressed
 * messages from the peer, and a run of similar small messages that a kept LZ77 window helps.
 * A subclass picks the peer and the variants.
 */
abstract class DeflateInterop {
    static final String PATH = "/deflate";
    static final int[] LARGE = {1 << 20, 8 << 20};

    final DuplexSide duplex = new DuplexSide();
    ScriptPeer peer;
    WebSocketServer server;
    WebSocketClient client;

    /**
     * One configuration of both ends.
     *
     * @param name       for the report
     * @param peerOptions the script's 4th argument
     * @param ours       our extension, or null for what {@code compression(true)} gives (the defaults)
     * @param negotiated whether permessage-deflate must be agreed
     * @param response   the Sec-WebSocket-Extensions response expected (its parameters are compared
     *                   as a set), or null when not agreed
     */
    record Variant(String name, String peerOptions, Supplier<PerMessageDeflate> ours, boolean negotiated, String response) {
        @Override
        public String toString() {
            return name;
        }
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

    URI startDuplexServer(Variant v) {
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .maxMessageSize(Payloads.MAX_MESSAGE).route(PATH, duplex);
        if (v.ours() != null) {
            b.extension(v.ours().get());
        }
        server = b.build().start();
        return URI.create("ws://127.0.0.1:" + server.port() + PATH);
    }

    void openDuplexClient(int port, Variant v) throws Exception {
        client = WebSocketClient.create(1);
        ClientOptions.Builder o = ClientOptions.builder().maxMessageSize(Payloads.MAX_MESSAGE);
        if (v.ours() != null) {
            o.extension(v.ours().get());
        }
        client.open(URI.create("ws://127.0.0.1:" + port + PATH), duplex, o.build()).get(30, TimeUnit.SECONDS);
    }

    /** Our side's view: permessage-deflate listed by {@link WebSocket#extensions()}, or nothing. */
    void assertOurSide(Variant v) throws Exception {
        List<String> ours = duplex.ws().extensions();
        if (v.negotiated()) {
            assertThat(ours).as("extensions our side agreed (%s)", v).containsExactly(PerMessageDeflate.NAME);
        } else {
            assertThat(ours).as("extensions our side agreed (%s)", v).isEmpty();
        }
    }

    /** The parameters of one header element, e.g. {@code permessage-deflate; a; b=10} → {a=, b=10}. */
    static Map<String, String> params(String header) {
        Map<String, String> m = new TreeMap<>();
        if (header == null || header.isBlank()) {
            return m;
        }
        String[] parts = header.split(";");
        assertThat(parts[0].trim()).isEqualToIgnoringCase(PerMessageDeflate.NAME);
        assertThat(header).as("one extension agreed").doesNotContain(",");
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            m.put(kv[0].trim().toLowerCase(Locale.ROOT), kv.length > 1 ? kv[1].trim().replace("\"", "") : "");
        }
        return m;
    }

    /** ws's agreed params object ({server_no_context_takeover: true, server_max_window_bits: 10}) in the same form. */
    static Map<String, String> params(Map<?, ?> wsParams) {
        Map<String, String> m = new TreeMap<>();
        wsParams.forEach((k, val) -> m.put(String.valueOf(k).toLowerCase(Locale.ROOT),
                Boolean.TRUE.equals(val) ? "" : val instanceof Number ? String.valueOf(((Number) val).longValue())
                        : String.valueOf(val)));
        return m;
    }

    // ------------------------------------------------------------------------------- payloads

    /** Chat-like JSON of at least {@code size} bytes, varied by {@code seed}. */
    static String chatJson(int size, int seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; sb.length() < size; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(seed * 100_000L + i).append(",\"user\":\"user").append(r.nextInt(500))
                    .append("\",\"room\":\"room-").append(r.nextInt(7)).append("\",\"text\":\"message ").append(i)
                    .append(" from duplex é€ ").append(Long.toString(r.nextLong() & 0xFFFFFFFFL, 36))
                    .append("\",\"ts\":").append(1_700_000_000_000L + r.nextInt(1_000_000)).append(",\"seen\":")
                    .append(r.nextBoolean()).append('}');
        }
        return sb.append(']').toString();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------------------- the exchange

    /** The peer sent what it reported in its "sent" event, and our handler got exactly that. */
    void assertPeerSent(String type) throws Exception {
        Event sent = peer.expect("sent");
        Event got = duplex.expect(type);
        assertThat(got.num("bytes")).as("size of %s (peer sent %s)", got, sent).isEqualTo(sent.num("bytes"));
        assertThat(got.str("sha256")).as("digest of %s", got).isEqualTo(sent.str("sha256"));
    }

    void bothWays(String text) throws Exception {
        peer.sendText(text);
        InteropContract.assertText(duplex.expect("text"), text);
        duplex.ws().sendText(text);
        InteropContract.assertText(peer.expect("text"), text);
    }

    void bothWays(byte[] data) throws Exception {
        peer.sendBinary(data);
        InteropContract.assertMessage(duplex.expect("binary"), data);
        duplex.ws().sendBinary(ByteBuffer.wrap(data));
        InteropContract.assertMessage(peer.expect("binary"), data);
    }

    /**
     * The whole exchange.
     *
     * @param peerFragments whether the peer can send fragmented (compressed) messages
     * @param emptyToPeer   whether we send the peer an empty text: not when our side compresses it
     *                      with context takeover, which is Duplex bug "empty message with context
     *                      takeover" (see {@link #emptyMessageThenMore})
     */
    void exchange(boolean peerFragments, boolean emptyToPeer) throws Exception {
        WebSocket ws = duplex.ws();
        peer.sendText("");
        InteropContract.assertText(duplex.expect("text"), "");
        peer.sendBinary(new byte[0]);
        InteropContract.assertMessage(duplex.expect("binary"), new byte[0]);
        if (emptyToPeer) {
            ws.sendText("");
            InteropContract.assertText(peer.expect("text"), "");
            ws.sendBinary(ByteBuffer.allocate(0));
            InteropContract.assertMessage(peer.expect("binary"), new byte[0]);
        }
        // Small and medium text: under and over our 256 B threshold and ws's 1024 B default.
        for (String t : List.of("hi", "é€𝄞 日本語", chatJson(200, 1), chatJson(300, 2), chatJson(1500, 3),
                chatJson(70_000, 4))) {
            bothWays(t);
        }
        for (byte[] b : List.of(Payloads.pattern(100), Payloads.pattern(300),
                Payloads.pattern(70_000), random(3000, 5), random(70_000, 6))) {
            bothWays(b);
        }
        // Large, compressible and not, from the peer...
        for (int size : LARGE) {
            peer.sendJson(size, 1);
            assertPeerSent("text");
            peer.sendRandom(size, 1);
            assertPeerSent("binary");
        }
        // ...and to the peer.
        for (int size : LARGE) {
            String json = chatJson(size, size);
            ws.sendText(json);
            InteropContract.assertMessage(peer.expect("text"), Payloads.utf8(json));
            byte[] rnd = random(size, size);
            ws.sendBinary(ByteBuffer.wrap(rnd));
            InteropContract.assertMessage(peer.expect("binary"), rnd);
        }
        if (peerFragments) {
            // One compressed message in several frames (RSV1 on the first only).
            peer.sendJson(200_000, 4);
            assertPeerSent("text");
            peer.sendRandom(100_000, 3);
            assertPeerSent("binary");
            peer.sendJson(5000, 2);
            assertPeerSent("text");
        }
        // A run of similar messages: with context takeover each one refers back to the last.
        for (int i = 0; i < 30; i++) {
            bothWays(chatJson(400 + 37 * i, 100 + i % 3));
        }
        closeCleanly();
    }

    /**
     * Duplex bug: with outbound context takeover and a threshold of 0, an empty message goes out
     * as an RSV1 frame with no payload at all (zlib emits nothing for a second SYNC_FLUSH without
     * input). The receiver appends 00 00 ff ff, which is not a whole empty stored block without
     * the block header byte before it, so its inflater is left inside a stored block header and
     * the next message decodes to garbage.
     */
    void emptyMessageThenMore() throws Exception {
        WebSocket ws = duplex.ws();
        ws.sendText("hi");
        InteropContract.assertText(peer.expect("text"), "hi");
        ws.sendText("");
        InteropContract.assertText(peer.expect("text"), "");
        ws.sendText("hello hello hello");
        InteropContract.assertText(peer.expect("text"), "hello hello hello");
        closeCleanly();
    }

    void closeCleanly() throws Exception {
        WebSocket ws = duplex.ws();
        ws.close(1000, "deflate done").get(10, TimeUnit.SECONDS);
        Event theirs = peer.expect("close");
        assertThat(theirs.num("code")).as("code the peer saw: %s", theirs).isEqualTo(1000);
        Event ours = duplex.expect("close");
        assertThat(ours.num("code")).as("code our handler saw: %s", ours).isEqualTo(1000);
        assertThat(duplex.events).as("nothing else happened on our side").isEmpty();
        assertThat(peer.drain()).as("nothing else happened on the peer's side").isEmpty();
    }
}
