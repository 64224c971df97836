package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** wss:// through the whole stack: our server and client, and the JDK's client, over TLS. */
@Timeout(60)
class WssEndToEndTest {
    static final Path CERT = Path.of("src/test/resources/tls/cert.pem");
    static final Path KEY = Path.of("src/test/resources/tls/key.pem");

    WebSocketServer server;
    WebSocketClient client;

    @BeforeEach
    void start() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2).maxMessageSize(16 << 20)
                .tls(Tls.serverFromPem(CERT, KEY)).route("/echo", EchoServerTest.ECHO).build().start();
        client = WebSocketClient.create(1);
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(2));
    }

    URI uri() {
        return URI.create("wss://localhost:" + server.port() + "/echo");
    }

    @Test
    void echoesLargeAndManyMessagesOverTls() throws Exception {
        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();
        ClientOptions options = ClientOptions.builder().sslContext(Tls.clientTrusting(CERT)).maxMessageSize(16 << 20).build();
        WebSocket ws = client.open(uri(), inbox, options).get(10, TimeUnit.SECONDS);
        for (int size : List.of(0, 125, 70_000, 8 << 20)) {
            byte[] payload = new byte[size];
            new java.util.Random(size).nextBytes(payload);
            ws.sendBinary(payload);
            assertThat((byte[]) inbox.next()).as("%d bytes", size).isEqualTo(payload);
        }
        for (int i = 0; i < 5000; i++) {
            ws.sendText("m" + i);
        }
        for (int i = 0; i < 5000; i++) {
            assertThat(inbox.next()).isEqualTo("m" + i);
        }
        ws.close(1000, "").get(5, TimeUnit.SECONDS);
        assertThat(inbox.closed.get(5, TimeUnit.SECONDS)).startsWith("1000");
    }

    @Test
    void theClientVerifiesTheServersCertificateByDefault() {
        // The JVM's trust store does not know the self-signed test certificate.
        CompletableFuture<WebSocket> f = client.open(uri(), new EchoServerTest.Inbox(), ClientOptions.defaults());
        assertThat(f).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withStackTraceContaining("SSLHandshakeException");
    }

    @Test
    void theJdkClientTalksToOurWssServer() throws Exception {
        SSLContext trust = Tls.clientTrusting(CERT);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        java.net.http.WebSocket jdk = HttpClient.newBuilder().sslContext(trust).build().newWebSocketBuilder()
                .buildAsync(uri(), new java.net.http.WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        jdk.sendText("over tls", true).get(5, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("over tls");
        jdk.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(5, TimeUnit.SECONDS);
    }
}
