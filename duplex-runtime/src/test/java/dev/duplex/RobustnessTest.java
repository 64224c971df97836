package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.support.RawClient;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server under peers that misbehave: slow senders, readers that never read, bad paths, failing handlers. */
@Timeout(60)
class RobustnessTest {
    WebSocketServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    WebSocketServer.Builder base() {
        return WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).closeTimeout(Duration.ofSeconds(1));
    }

    @Test
    void aHandshakeSentOneByteASecondIsCutOffAtTheTimeout() throws Exception {
        server = base().handshakeTimeout(Duration.ofSeconds(1)).route("/echo", new WebSocketHandler() {}).build().start();
        try (RawClient c = new RawClient(server.port())) {
            byte[] request = RawClient.upgradeRequest("/echo").getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < request.length - 1 && !cut; i++) {
                try {
                    c.send(new byte[] {request[i]});
                    Thread.sleep(250);
                    c.socket.setSoTimeout(1);
                    cut = c.in.read() == -1;
                } catch (java.net.SocketTimeoutException e) {
                    // nothing to read yet: still open
                } catch (SocketException e) {
                    cut = true;
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(cut).as("the server closed the connection").isTrue();
            assertThat(ms).isBetween(900L, 3000L);
        }
    }

    private final AtomicReference<WebSocket> floodSide = new AtomicReference<>();

    /** A server with a 1 MiB outbound limit whose /flood route reports how its connection closed; returns the port. */
    private int startFloodServer(CompletableFuture<String> closed) {
        server = base().outboundBuffer(64 << 10, 256 << 10, 1 << 20)
                .route("/flood", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        floodSide.set(ws);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                        closed.complete(code + " " + reason);
                    }
                }).build().start();
        return server.port();
    }

    /** Upgrades {@code c} to /flood with a small receive buffer it never reads; returns the server's side. */
    private WebSocket upgradeSlowReader(RawClient c) throws Exception {
        c.socket.setReceiveBufferSize(16 << 10);
        assertThat(c.upgrade("/flood")).startsWith("HTTP/1.1 101");
        while (floodSide.get() == null) {
            Thread.sleep(5);
        }
        return floodSide.get();
    }

    @Test
    void aReaderThatNeverReadsIsClosedWith1008AndServerMemoryStaysBounded() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        try (RawClient c = new RawClient(startFloodServer(closed))) {
            WebSocket ws = upgradeSlowReader(c);
            ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            long maxBuffered = 0;
            // 256 MiB offered to a peer that reads nothing: far more than socket buffers hold.
            for (int i = 0; i < 4096 && !closed.isDone(); i++) {
                sends.add(ws.sendBinary(chunk.duplicate()));
                maxBuffered = Math.max(maxBuffered, ws.bufferedAmount());
                if (i % 64 == 0) {
                    Thread.sleep(1);
                }
            }
            // The server gave up on the slow reader: 1008, and the sends it refused failed.
            assertThat(closed.get(20, TimeUnit.SECONDS)).startsWith("1008");
            assertThat(sends).anyMatch(CompletableFuture::isCompletedExceptionally);
            assertThat(maxBuffered).as("bytes queued in the server").isLessThanOrEqualTo((1 << 20) + (64 << 10) * 64L);
            assertThat(ws.isOpen()).isFalse();
            // Every send either completed or failed: none is left hanging.
            CompletableFuture.allOf(sends.stream().map(f -> f.handle((v, t) -> null)).toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void queuedSendsToAReaderThatNeverReadsAreRefusedAtTheLimitAndTheConnectionClosesWith1008() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        try (RawClient c = new RawClient(startFloodServer(closed))) {
            WebSocket ws = upgradeSlowReader(c);
            ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
            int accepted = 0;
            long maxBuffered = 0;
            boolean refused = false;
            for (int i = 0; i < 4096 && !refused; i++) {
                refused = !ws.queueBinary(chunk.duplicate());
                accepted += refused ? 0 : 1;
                maxBuffered = Math.max(maxBuffered, ws.bufferedAmount());
            }
            assertThat(refused).as("a queue call refused at the limit").isTrue();
            assertThat(accepted).isGreaterThan(0);
            assertThat(closed.get(20, TimeUnit.SECONDS)).startsWith("1008");
            assertThat(maxBuffered).as("bytes queued in the server").isLessThanOrEqualTo((1 << 20) + (64 << 10));
            assertThat(ws.queueBinary(chunk.duplicate())).as("queued after close").isFalse();
        }
    }

    /** The outbound limit counts the UTF-8 bytes a text becomes, as bufferedAmount does, not its UTF-16 units. */
    @Test
    void theOutboundLimitCountsTextInUtf8Bytes() throws Exception {
        CompletableFuture<String> closed = new CompletableFuture<>();
        try (RawClient c = new RawClient(startFloodServer(closed))) {
            WebSocket ws = upgradeSlowReader(c);
            String ascii = "e".repeat(400_000);   // 400,000 bytes: under the 1 MiB limit
            String euros = "\u20ac".repeat(400_000); // 1,200,000 bytes: over it, in the same number of chars

            ws.sendText(ascii).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> refused = ws.sendText(euros);

            assertThat(refused).failsWithin(10, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("more would pass the limit of " + (1 << 20));
            assertThat(closed.get(10, TimeUnit.SECONDS)).startsWith("1008");
        }
    }

    @Test
    void writabilityFollowsTheWatermarks() throws Exception {
        AtomicReference<WebSocket> serverSide = new AtomicReference<>();
        CountDownLatch writable = new CountDownLatch(1);
        server = base().outboundBuffer(32 << 10, 128 << 10, 64 << 20)
                .route("/w", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        serverSide.set(ws);
                    }

                    @Override
                    public void onWritable(WebSocket ws) {
                        writable.countDown();
                    }
                }).build().start();
        try (RawClient c = new RawClient(server.port())) {
            c.socket.setReceiveBufferSize(16 << 10);
            c.upgrade("/w");
            while (serverSide.get() == null) {
                Thread.sleep(5);
            }
            WebSocket ws = serverSide.get();
            for (int i = 0; i < 400 && ws.isWritable(); i++) {
                ws.sendBinary(ByteBuffer.allocate(16 << 10));
                Thread.sleep(1);
            }
            assertThat(ws.isWritable()).as("over the high watermark").isFalse();
            assertThat(writable.getCount()).isEqualTo(1);
            // Now read everything: the queue drains and onWritable fires.
            Thread reader = new Thread(() -> {
                try {
                    c.in.readAllBytes();
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            });
            reader.start();
            assertThat(writable.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ws.isWritable()).isTrue();
        }
    }

    @Test
    void staticFilesNeverLeaveTheirDirectory(@TempDir Path dir) throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(site.resolve("app.js"), "console.log(1)");
        Files.writeString(dir.resolve("secret.txt"), "top secret");
        Files.createSymbolicLink(site.resolve("link.txt"), dir.resolve("secret.txt"));
        server = base().staticFiles(site).build().start();
        assertThat(get("/")).startsWith("HTTP/1.1 200").contains("text/html").endsWith("<h1>hi</h1>");
        assertThat(get("/app.js")).startsWith("HTTP/1.1 200").contains("text/javascript");
        for (String attack : List.of("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
                "/link.txt", "/..\\secret.txt", "/%00", "//etc/passwd", "/./../secret.txt")) {
            String response = get(attack);
            assertThat(response).as(attack).doesNotContain("top secret").doesNotContain("root:");
            assertThat(response).as(attack).matches("(?s)HTTP/1.1 (400|404).*");
        }
    }

    private String get(String path) throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.send(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(c.readToEnd(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void requestHeadsTooLargeGet431AndMalformedOnesGet400() throws Exception {
        server = base().route("/echo", new WebSocketHandler() {}).build().start();
        String big = "GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n";
        try (RawClient c = new RawClient(server.port())) {
            c.send(big.getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(c.readToEnd(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 431");
        }
        try (RawClient c = new RawClient(server.port())) {
            c.send("GET /echo HTTP/1.1\nHost: x\n\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(c.readToEnd(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void aProtocolViolationIsAnsweredWithTheRightCloseCodeAndTheSocketCloses() throws Exception {
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        server = base().route("/echo", new WebSocketHandler() {
            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                seen.complete(code);
            }
        }).build().start();
        try (RawClient c = new RawClient(server.port())) {
            c.upgrade("/echo");
            c.send(RawClient.frame(0x81, new byte[] {(byte) 0xC0, (byte) 0xAF})); // overlong UTF-8
            byte[] rest = c.readToEnd();
            assertThat(rest[0] & 0xFF).isEqualTo(0x88);
            assertThat(((rest[2] & 0xFF) << 8) | (rest[3] & 0xFF)).isEqualTo(1007);
        }
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo(1007);
    }

    @Test
    void aHandlerThatThrowsClosesItsConnectionWith1011AndHearsAboutIt() throws Exception {
        CompletableFuture<Throwable> error = new CompletableFuture<>();
        server = base().route("/boom", new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void onError(WebSocket ws, Throwable t) {
                error.complete(t);
            }
        }).build().start();
        try (RawClient c = new RawClient(server.port())) {
            c.upgrade("/boom");
            c.send(RawClient.frame(0x81, "hi".getBytes()));
            byte[] rest = c.readToEnd(); // the server closes after the close handshake times out or we close
            assertThat(((rest[2] & 0xFF) << 8) | (rest[3] & 0xFF)).isEqualTo(1011);
        } catch (SocketException e) {
            // reset after the close frame: fine, the assertion below still checks the handler
        }
        assertThat(error.get(5, TimeUnit.SECONDS)).hasMessage("boom");
    }

    @Test
    void handlersOnAnExecutorKeepPerConnectionOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> got = new CopyOnWriteArrayList<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(500);
        try {
            server = base().route(Route.at("/slow", new WebSocketHandler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    if (text.endsWith("0")) {
                        try {
                            Thread.sleep(1); // handlers on an executor may block
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    got.add(text);
                    concurrent.decrementAndGet();
                    all.countDown();
                }
            }).withExecutor(pool)).build().start();
            try (RawClient c = new RawClient(server.port())) {
                c.upgrade("/slow");
                java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < 500; i++) {
                    frames.write(RawClient.frame(0x81, ("m" + i).getBytes()));
                }
                c.send(frames.toByteArray());
                assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
            }
            for (int i = 0; i < 500; i++) {
                assertThat(got.get(i)).isEqualTo("m" + i);
            }
            assertThat(maxConcurrent.get()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
