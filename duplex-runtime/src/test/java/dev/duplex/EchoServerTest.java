package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our server and our client over real loopback sockets, and the JDK's own client against our server. */
@Timeout(30)
class EchoServerTest {
    WebSocketServer server;
    WebSocketClient client;

    static final WebSocketHandler ECHO = new WebSocketHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.sendBinary(data);
        }
    };

    @BeforeEach
    void start() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .maxMessageSize(16 << 20).route("/echo", ECHO).build().start();
        client = WebSocketClient.create(1);
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(2));
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    /** Collects what a client receives. */
    static final class Inbox implements WebSocketHandler {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public void onText(WebSocket ws, String text) {
            messages.add(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add(b);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
            closed.complete(code + " " + reason + " " + (byPeer ? "peer" : "local"));
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }

    @Test
    void echoesTextAndBinaryOfEverySize() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/echo"), inbox, ClientOptions.builder().maxMessageSize(16 << 20).build())
                .get(10, TimeUnit.SECONDS);
        for (int size : List.of(0, 1, 125, 126, 127, 65535, 65536, 100_000, 8 << 20)) {
            byte[] payload = new byte[size];
            new java.util.Random(size).nextBytes(payload);
            ws.sendBinary(payload);
            assertThat((byte[]) inbox.next()).as("binary of %d bytes", size).isEqualTo(payload);
            String text = "é".repeat(size / 2);
            ws.sendText(text);
            assertThat(inbox.next()).isEqualTo(text);
        }
        ws.close(1000, "bye").get(5, TimeUnit.SECONDS);
        // As in browsers, the status reported is the one in the peer's close frame: it echoed our code.
        assertThat(inbox.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1000  local");
    }

    @Test
    void compressionIsNegotiatedByDefaultAndCarriesLargeCompressibleMessages() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/echo"), inbox, ClientOptions.builder().maxMessageSize(16 << 20).build())
                .get(10, TimeUnit.SECONDS);
        assertThat(ws.extensions()).containsExactly("permessage-deflate");
        assertThat(server.connections().get(0).extensions()).containsExactly("permessage-deflate");
        String json = "{\"user\":\"ada\",\"text\":\"hello, world\"}".repeat(200_000); // ~8 MiB
        ws.sendText(json);
        assertThat(inbox.next()).isEqualTo(json);

        Inbox plain = new Inbox();
        WebSocket uncompressed = client.open(uri("/echo"), plain, ClientOptions.builder().compression(false).build())
                .get(10, TimeUnit.SECONDS);
        assertThat(uncompressed.extensions()).isEmpty();
    }

    @Test
    void textCanBeHandledAndSentAsUtf8BytesWithoutDecoding() throws Exception {
        server.stop(Duration.ofSeconds(1));
        java.util.concurrent.atomic.AtomicInteger stringCalls = new java.util.concurrent.atomic.AtomicInteger();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/bytes", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        stringCalls.incrementAndGet();
                    }

                    @Override
                    public void onTextBytes(WebSocket ws, ByteBuffer utf8) {
                        ws.sendText(utf8); // relayed as the bytes it came in
                    }
                }).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/bytes"), inbox, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        for (String s : List.of("", "plain", "\u00e9\u20ac\ud834\udd1e", "x".repeat(100_000))) {
            ws.sendText(s);
            assertThat(inbox.next()).isEqualTo(s);
        }
        assertThat(stringCalls.get()).isZero();
        CompletableFuture<Void> bad = ws.sendText(ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0xAF}));
        assertThat(bad).failsWithin(Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("UTF-8");
        assertThat(ws.isOpen()).isTrue();
    }

    @Test
    void relayedTextIsLentReadOnlyAndBytesNotSentAsReceivedAreCheckedAgain() throws Exception {
        server.stop(Duration.ofSeconds(1));
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).maxMessageSize(1 << 20)
                .route("/relay", new WebSocketHandler() {
                    @Override
                    public void onTextBytes(WebSocket ws, ByteBuffer utf8) {
                        seen.add(utf8.isReadOnly());
                        ByteBuffer cut = utf8.duplicate();
                        cut.position(cut.position() + 1); // starts inside the first code point now
                        ws.sendText(cut).whenComplete((v, e) -> seen.add(e == null ? "sent" : "refused: " + e.getMessage()));
                        ws.sendText(utf8); // the bytes as received: relayed
                    }
                }).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/relay"), inbox, ClientOptions.builder().compression(false)
                .maxMessageSize(1 << 20).build()).get(10, TimeUnit.SECONDS);
        // One message whole in a read, one assembled from many reads.
        for (String s : List.of("\u00e9t\u00e9", "\u00e9".repeat(100_000))) {
            ws.sendText(s);
            assertThat(inbox.next()).isEqualTo(s);
            assertThat(seen.poll(5, TimeUnit.SECONDS)).as("lent read-only").isEqualTo(true);
            assertThat((String) seen.poll(5, TimeUnit.SECONDS)).startsWith("refused: ").contains("UTF-8");
        }
        assertThat(ws.isOpen()).isTrue();
    }

    @Test
    void queuedSendsNeedNoFutureAndRefuseWhatCannotBeSent() throws Exception {
        server.stop(Duration.ofSeconds(1));
        BlockingQueue<Object> results = new LinkedBlockingQueue<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).maxMessageSize(1 << 20)
                .route("/queue", new WebSocketHandler() {
                    @Override
                    public void onTextBytes(WebSocket ws, ByteBuffer utf8) {
                        results.add(ws.queueBinary(ByteBuffer.wrap(new byte[] {1, 2, 3})));
                        results.add(ws.queueText(ByteBuffer.wrap(new byte[] {(byte) 0xC0, (byte) 0xAF}))); // not UTF-8
                        results.add(ws.queueText(utf8));
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                        results.add(ws.queueText(ByteBuffer.wrap("late".getBytes(StandardCharsets.UTF_8))));
                    }
                }).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/queue"), inbox, ClientOptions.builder().compression(false).build())
                .get(10, TimeUnit.SECONDS);
        // From a thread that is not the client's loop: handed over, then written in order.
        assertThat(ws.queueText(ByteBuffer.wrap("h\u00e9llo".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat((byte[]) inbox.next()).containsExactly(1, 2, 3);
        assertThat(inbox.next()).isEqualTo("h\u00e9llo");
        assertThat(results.poll(5, TimeUnit.SECONDS)).as("binary queued").isEqualTo(true);
        assertThat(results.poll(5, TimeUnit.SECONDS)).as("invalid UTF-8 refused").isEqualTo(false);
        assertThat(results.poll(5, TimeUnit.SECONDS)).as("text queued").isEqualTo(true);
        assertThat(ws.isOpen()).as("a refused queue call does not close").isTrue();
        ws.close(1000, "bye").get(5, TimeUnit.SECONDS);
        assertThat(results.poll(5, TimeUnit.SECONDS)).as("queued after close").isEqualTo(false);
        assertThat(ws.queueText(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    @Test
    void manyMessagesArriveInOrder() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/echo"), inbox, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            ws.sendText("m" + i);
        }
        for (int i = 0; i < n; i++) {
            assertThat(inbox.next()).isEqualTo("m" + i);
        }
    }

    @Test
    void jdkClientTalksToOurServer() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        java.net.http.WebSocket jdk = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(uri("/echo"), new java.net.http.WebSocket.Listener() {
                    final StringBuilder sb = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        sb.append(data);
                        if (last) {
                            got.add(sb.toString());
                            sb.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                        closed.complete(code + " " + reason);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        jdk.sendText("hello from the JDK", true).get(5, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("hello from the JDK");
        // Server-initiated close: the JDK client sees our code and reason.
        server.connections().get(0).close(4000, "server says bye");
        assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo("4000 server says bye");
    }

    @Test
    void plainHttpGetsRealAnswers() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        var health = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        var ws = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/echo")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ws.statusCode()).isEqualTo(426);
        assertThat(ws.headers().firstValue("Upgrade")).hasValue("websocket");
        assertThat(ws.headers().firstValue("Sec-WebSocket-Version")).hasValue("13");
        var missing = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/nope")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void gracefulStopSendsGoingAwayToEveryClient() throws Exception {
        List<Inbox> inboxes = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Inbox inbox = new Inbox();
            client.open(uri("/echo"), inbox, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
            inboxes.add(inbox);
        }
        server.stop(Duration.ofSeconds(5));
        for (Inbox inbox : inboxes) {
            assertThat(inbox.closed.get(5, TimeUnit.SECONDS)).isEqualTo("1001 server shutting down peer");
        }
    }

    @Test
    void severalServersRunSideBySideInOneJvm() throws Exception {
        try (WebSocketServer other = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText("other: " + text);
                    }
                }).build().start()) {
            assertThat(other.port()).isNotEqualTo(server.port());
            Inbox a = new Inbox();
            Inbox b = new Inbox();
            client.open(uri("/echo"), a, ClientOptions.defaults()).get(10, TimeUnit.SECONDS).sendText("hi");
            client.open(URI.create("ws://127.0.0.1:" + other.port() + "/echo"), b, ClientOptions.defaults())
                    .get(10, TimeUnit.SECONDS).sendText("hi");
            assertThat(a.next()).isEqualTo("hi");
            assertThat(b.next()).isEqualTo("other: hi");
        }
        // Stopping one left the other serving.
        Inbox c = new Inbox();
        client.open(uri("/echo"), c, ClientOptions.defaults()).get(10, TimeUnit.SECONDS).sendText("still here");
        assertThat(c.next()).isEqualTo("still here");
    }

    @Test
    void connectingToAMissingRouteFailsWithTheStatus() {
        CompletableFuture<WebSocket> f = client.open(uri("/missing"), new Inbox(), ClientOptions.defaults());
        assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("404");
    }
}
