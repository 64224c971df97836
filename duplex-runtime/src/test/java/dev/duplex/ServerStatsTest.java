package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.EchoServerTest.Inbox;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's live counts, against what real clients did over loopback. */
@Timeout(30)
class ServerStatsTest {
    private final Topic news = new Topic("news");
    private WebSocketServer server;
    private WebSocketClient client;
    private final ClientOptions plain = ClientOptions.builder().compression(false).build();

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    private void start() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .route("/echo", EchoServerTest.ECHO)
                .route("/news", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        news.subscribe(ws);
                        ws.sendText("subscribed"); // after the subscription task, on the same loop
                    }
                })
                .route(Route.at("/members", EchoServerTest.ECHO)
                        .withUpgradeCheck(UpgradeCheck.immediate(r -> UpgradeDecision.reject(401, "who are you?"))))
                .route("/refuse", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.close(4321, "not today");
                    }
                })
                .build().start();
        client = WebSocketClient.create(1);
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    @Test
    void countsConnectionsMessagesBytesAndCloseCodes() throws Exception {
        start();
        ServerStats stats = server.stats();
        assertThat(stats.connectionsOpened()).isZero();

        Inbox a = new Inbox();
        WebSocket wsA = client.open(uri("/echo"), a, plain).get(10, TimeUnit.SECONDS);
        eventually(stats::connectionsOpened, 1);
        // The 101 leaves in the loop's flush after the connection opened; it is counted then.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stats.bytesWritten() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        long readBefore = stats.bytesRead();
        long writtenBefore = stats.bytesWritten();
        wsA.sendBinary(new byte[1000]);
        assertThat((byte[]) a.next()).hasSize(1000);
        // Exactly one frame each way: 2 + 2 (16-bit length) + 4 (mask) + 1000 in, 2 + 2 + 1000 out.
        eventually(() -> stats.bytesRead() - readBefore, 1008);
        eventually(() -> stats.bytesWritten() - writtenBefore, 1004);
        wsA.sendText("hello");
        assertThat(a.next()).isEqualTo("hello");
        eventually(stats::messagesReceived, 2);
        eventually(stats::messagesSent, 2);
        assertThat(stats.connectionsOpen()).isEqualTo(1);
        wsA.close(1000, "done").get(5, TimeUnit.SECONDS);
        eventually(() -> stats.closes(1000), 1);

        WebSocket wsB = client.open(uri("/echo"), new Inbox(), plain).get(10, TimeUnit.SECONDS);
        eventually(stats::connectionsOpen, 1);
        wsB.abort(); // no closing handshake: the server's handler is told 1006
        eventually(() -> stats.closes(1006), 1);

        Inbox c = new Inbox();
        client.open(uri("/refuse"), c, plain).get(10, TimeUnit.SECONDS);
        assertThat(c.closed.get(10, TimeUnit.SECONDS)).startsWith("4321");
        eventually(() -> stats.closes(4000), 1);

        Inbox d = new Inbox();
        client.open(uri("/news"), d, plain).get(10, TimeUnit.SECONDS);
        assertThat(d.next()).isEqualTo("subscribed");
        news.publish("one");
        news.publish("two");
        assertThat(d.next()).isEqualTo("one");
        assertThat(d.next()).isEqualTo("two");
        eventually(stats::messagesSent, 2 + 3);

        assertThat(stats.connectionsOpened()).isEqualTo(4);
        assertThat(stats.connectionsOpen()).isEqualTo(1);
        assertThat(stats.messagesReceived()).isEqualTo(2);
        assertThat(stats.slowConsumersClosed()).isZero();
        assertThat(stats.closesByCode()).isEqualTo(Map.of(1000, 1L, 1006, 1L, 4000, 1L));
    }

    @Test
    void countsUpgradeRequestsAnsweredWithAnErrorStatus() throws Exception {
        start();
        for (String path : new String[] {"/nowhere", "/members"}) {
            assertThat(client.open(uri(path), new Inbox(), plain)).failsWithin(10, TimeUnit.SECONDS);
        }
        eventually(server.stats()::upgradesRefused, 2);
        assertThat(server.stats().connectionsOpened()).isZero();
    }

    @Test
    void aServerNotYetStartedCountsNothing() {
        server = null;
        WebSocketServer notStarted = WebSocketServer.builder().port(0).route("/echo", EchoServerTest.ECHO).build();
        assertThat(notStarted.stats().connectionsOpened()).isZero();
        assertThat(notStarted.stats().closesByCode()).isEmpty();
    }

    /** Waits up to 10 s for a count that the server's loops update after the client saw the effect. */
    private static void eventually(LongSupplier count, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(count.getAsLong()).isEqualTo(expected);
    }
}
