package dev.duplex.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.ClientOptions;
import dev.duplex.Topic;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The meters, read the way Prometheus reads them, after real clients used a real server. */
@Timeout(30)
class DuplexMetricsTest {
    private final Topic news = new Topic("news");
    private final WebSocketServer server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
            .route("/echo", new WebSocketHandler() {
                @Override
                public void onText(WebSocket ws, String text) {
                    ws.sendText(text);
                }
            })
            .route("/news", new WebSocketHandler() {
                @Override
                public void onOpen(WebSocket ws) {
                    news.subscribe(ws);
                    ws.sendText("subscribed");
                }
            })
            .build().start();
    private final WebSocketClient client = WebSocketClient.create(1);

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(2));
    }

    @Test
    void prometheusSeesConnectionsMessagesClosesAndTopics() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DuplexMetrics.of(server, io.micrometer.core.instrument.Tag.of("server", "test")).topic(news).bindTo(registry);

        Inbox echo = new Inbox();
        WebSocket ws = client.open(uri("/echo"), echo, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        ws.sendText("hello");
        assertThat(echo.next()).isEqualTo("hello");
        ws.close(1000, "done").get(5, TimeUnit.SECONDS);
        Inbox reader = new Inbox();
        client.open(uri("/news"), reader, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
        assertThat(reader.next()).isEqualTo("subscribed");
        news.publish("headline");
        assertThat(reader.next()).isEqualTo("headline");

        waitFor(() -> registry.scrape().contains("duplex_closes_total{code=\"1000\",server=\"test\"} 1.0"));
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("duplex_connections_open{server=\"test\"} 1.0")
                .contains("duplex_connections_opened_total{server=\"test\"} 2.0")
                .contains("duplex_messages_total{direction=\"received\",server=\"test\"} 1.0")
                .contains("duplex_messages_total{direction=\"sent\",server=\"test\"} 3.0")
                .contains("duplex_closes_total{code=\"1006\",server=\"test\"} 0.0")
                .contains("duplex_topic_subscribers{server=\"test\",topic=\"news\"} 1.0")
                .contains("duplex_topic_delivered_total{server=\"test\",topic=\"news\"} 1.0")
                .contains("duplex_topic_dropped_total{server=\"test\",topic=\"news\"} 0.0")
                .containsPattern("duplex_bytes_total\\{direction=\"read\",server=\"test\"} [1-9]");
    }

    @Test
    void metersFollowTheCountsLive() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DuplexMetrics.of(server).bindTo(registry);
        assertThat(registry.get("duplex.connections.opened").functionCounter().count()).isZero();

        client.open(uri("/echo"), new Inbox(), ClientOptions.defaults()).get(10, TimeUnit.SECONDS);

        waitFor(() -> registry.get("duplex.connections.opened").functionCounter().count() == 1);
        assertThat(registry.get("duplex.connections.open").gauge().value()).isEqualTo(1);
        // the 101 response, counted when the loop has flushed it (just after the connection opened)
        waitFor(() -> registry.get("duplex.bytes").tag("direction", "written").functionCounter().count() > 0);
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as("within 10 s").isTrue();
    }

    static final class Inbox implements WebSocketHandler {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public void onText(WebSocket ws, String text) {
            messages.add(text);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
            closed.complete(code);
        }

        String next() throws InterruptedException {
            String m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message within 10 s").isNotNull();
            return m;
        }
    }
}
