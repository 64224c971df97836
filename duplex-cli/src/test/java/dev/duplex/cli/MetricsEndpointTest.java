package dev.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.ClientOptions;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code duplex serve --metrics-port}: what Prometheus would scrape, after a client used the server. */
@Timeout(60)
class MetricsEndpointTest {

    @Test
    void servesPrometheusMetricsOnTheirOwnPort() throws Exception {
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0", "--metrics-port", "0");
                WebSocketClient client = WebSocketClient.create(1)) {
            int metricsPort = serve.metricsPort();
            Inbox inbox = new Inbox();
            WebSocket ws = client.open(URI.create("ws://127.0.0.1:" + serve.port() + "/echo"), inbox,
                    ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
            ws.sendText("counted");
            assertThat(inbox.next()).isEqualTo("counted");

            HttpResponse<String> scrape = get(metricsPort, "/metrics");

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(scrape.body())
                    .contains("duplex_connections_open 1.0")
                    .contains("duplex_connections_opened_total 1.0")
                    .contains("duplex_messages_total{direction=\"received\"} 1.0")
                    .contains("duplex_messages_total{direction=\"sent\"} 1.0")
                    .contains("duplex_topic_subscribers{topic=\"chat\"} 0.0")
                    .contains("duplex_topic_subscribers{topic=\"broadcast\"} 0.0")
                    .contains("jvm_memory_used_bytes");
            assertThat(get(metricsPort, "/").statusCode()).isEqualTo(404);
            assertThat(get(serve.port(), "/metrics").statusCode()).as("not on the WebSocket port").isEqualTo(404);
        }
    }

    @Test
    void aMetricsPortOutOfRangeIsAUsageError() {
        Cli.Result r = Cli.run("", "serve", "--port", "0", "--metrics-port", "70000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--metrics-port must be from 0 to 65535, was 70000");
    }

    @Test
    void aMetricsPortInUseIsReportedAndServeExits() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run("", "serve", "--port", "0", "--metrics-port", String.valueOf(taken.getLocalPort()));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort())
                    .contains("--metrics-port");
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

}
