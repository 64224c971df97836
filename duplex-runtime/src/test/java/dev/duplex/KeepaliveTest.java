package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duplex.support.RawClient;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timers: pings keep connections alive, silence past the idle timeout ends them. */
@Timeout(30)
class KeepaliveTest {
    WebSocketServer server;
    WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void theServerPingsAndAClientThatAnswersStaysOpenPastTheIdleTimeout() throws Exception {
        CompletableFuture<Integer> serverClosed = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .pingInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(400))
                .route("/k", new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                        serverClosed.complete(code);
                    }
                }).build().start();
        client = WebSocketClient.create(1);
        AtomicInteger pings = new AtomicInteger();
        WebSocket ws = client.open(URI.create("ws://127.0.0.1:" + server.port() + "/k"), new WebSocketHandler() {
            @Override
            public void onPing(WebSocket w, ByteBuffer payload) {
                pings.incrementAndGet();
            }
        }, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        Thread.sleep(1200); // three idle timeouts' worth, answered by automatic pongs
        assertThat(pings.get()).isGreaterThanOrEqualTo(5);
        assertThat(ws.isOpen()).isTrue();
        assertThat(serverClosed).isNotDone();
    }

    @Test
    void aSilentPeerIsClosedAtTheIdleTimeout() throws Exception {
        CompletableFuture<String> serverClosed = new CompletableFuture<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .idleTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ofMillis(300))
                .route("/k", new WebSocketHandler() {
                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                        serverClosed.complete(code + " " + reason);
                    }
                }).build().start();
        try (RawClient raw = new RawClient(server.port())) {
            raw.upgrade("/k");
            long start = System.nanoTime();
            byte[] rest = raw.readToEnd(); // the server's close frame, then its FIN
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(rest[0] & 0xFF).isEqualTo(0x88);
            assertThat(((rest[2] & 0xFF) << 8) | (rest[3] & 0xFF)).isEqualTo(1001);
            assertThat(ms).isBetween(250L, 3000L);
        }
        // It never answered the close: after the close timeout the server reports 1006.
        assertThat(serverClosed.get(5, TimeUnit.SECONDS)).startsWith("1006");
    }

    @Test
    void theClientCanPingTheServerToo() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/k", new WebSocketHandler() {}).build().start();
        client = WebSocketClient.create(1);
        CountDownLatch pongs = new CountDownLatch(3);
        client.open(URI.create("ws://127.0.0.1:" + server.port() + "/k"), new WebSocketHandler() {
            @Override
            public void onPong(WebSocket w, ByteBuffer payload) {
                pongs.countDown();
            }
        }, ClientOptions.builder().pingInterval(Duration.ofMillis(100)).build()).get(10, TimeUnit.SECONDS);
        assertThat(pongs.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void handlersCanRunOnVirtualThreadsOnJava21AndLater() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
        ExecutorService virtual = (ExecutorService) Executors21.newVirtualThreadPerTaskExecutor();
        try {
            CompletableFuture<Boolean> ranOnVirtual = new CompletableFuture<>();
            server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                    .route(Route.at("/v", new WebSocketHandler() {
                        @Override
                        public void onText(WebSocket ws, String text) {
                            try {
                                Thread.sleep(50); // blocking is fine here
                                ranOnVirtual.complete((Boolean) Thread.class.getMethod("isVirtual").invoke(Thread.currentThread()));
                            } catch (Exception e) {
                                ranOnVirtual.completeExceptionally(e);
                            }
                            ws.sendText("done: " + text);
                        }
                    }).withExecutor(virtual)).build().start();
            client = WebSocketClient.create(1);
            EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();
            WebSocket ws = client.open(URI.create("ws://127.0.0.1:" + server.port() + "/v"), inbox, ClientOptions.defaults())
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("job");
            assertThat(inbox.next()).isEqualTo("done: job");
            assertThat(ranOnVirtual.get(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            virtual.shutdownNow();
        }
    }

    /** Java 21's factory, reached reflectively so that this test compiles for Java 17. */
    static final class Executors21 {
        static Executor newVirtualThreadPerTaskExecutor() throws Exception {
            return (Executor) java.util.concurrent.Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }
    }
}
