package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReconnectingWebSocketTest {

    @Property
    void delaysStayWithinTheExponentialBound(@ForAll @IntRange(max = 100) int attempt, @ForAll long seed) {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0);
        long bound = Math.min(10_000, (long) (100 * Math.pow(2, Math.min(attempt, 60))));
        assertThat(b.boundMillis(attempt)).isEqualTo(bound);
        assertThat(b.delayMillis(attempt, new SplittableRandom(seed))).isBetween(0L, bound);
    }

    @Test
    void jitterSpreadsClientsOut() {
        Backoff b = Backoff.exponential();
        SplittableRandom r = new SplittableRandom(42);
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            distinct.add(b.delayMillis(3, r));
        }
        assertThat(distinct.size()).isGreaterThan(90);
    }

    @Test
    @Timeout(30)
    void reconnectsAfterTheServerGoesAwayAndComesBack() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                events.add("open");
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                events.add("close " + code);
            }
        };
        WebSocketServer first = WebSocketServer.builder().host("127.0.0.1").port(port).eventLoops(1)
                .route("/r", new WebSocketHandler() {}).build().start();
        try (WebSocketClient client = WebSocketClient.create(1);
             ReconnectingWebSocket r = client.openReconnecting(URI.create("ws://127.0.0.1:" + port + "/r"), handler,
                     ClientOptions.defaults(), new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 2.0))) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("open");
            first.stop(Duration.ofSeconds(2));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("close 1001");
            assertThat(r.current()).isNull();
            assertThat(r.sendText("lost?")).isCompletedExceptionally();
            // While nothing listens, attempts fail and back off; then a new server appears.
            Thread.sleep(500);
            WebSocketServer second = WebSocketServer.builder().host("127.0.0.1").port(port).eventLoops(1)
                    .route("/r", new WebSocketHandler() {}).build().start();
            try {
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("open");
                assertThat(r.connections()).isEqualTo(2);
                assertThat(r.current()).isNotNull();
            } finally {
                r.close();
                second.stop(Duration.ofSeconds(2));
            }
        }
    }
}
