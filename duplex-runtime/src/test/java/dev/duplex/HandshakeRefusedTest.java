package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a client learns when the server answers its upgrade with something other than 101. */
@Timeout(30)
class HandshakeRefusedTest {
    private final WebSocketClient client = WebSocketClient.create(1);
    private WebSocketServer server;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
    }

    @Test
    void anUpgradeCheckRefusalReachesTheClientWithItsStatusHeadersAndReason() throws Exception {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route(Route.at("/private", new WebSocketHandler() {})
                        .withUpgradeCheck(UpgradeCheck.immediate(r -> UpgradeDecision.reject(401, "send a token")
                                .withHeader("WWW-Authenticate", "Bearer realm=\"private\""))))
                .build().start();

        HandshakeRefusedException e = refusal(URI.create("ws://127.0.0.1:" + server.port() + "/private"),
                ClientOptions.defaults());

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.reasonPhrase()).isEqualTo("Unauthorized");
        assertThat(e.header("www-authenticate")).hasValue("Bearer realm=\"private\"");
        assertThat(e.body()).isEqualTo("send a token\n");
        assertThat(e).hasMessage("the server refused the WebSocket handshake: it answered 401 Unauthorized"
                + " instead of 101 Switching Protocols: send a token");
    }

    @Test
    void aBodyThatArrivesAfterTheHeadIsWaitedFor() throws Exception {
        String body = "overloaded, come back in 7 s";
        HandshakeRefusedException e = againstRawServer(ClientOptions.defaults(), out -> {
            out.write(ascii("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body.substring(0, 5)));
            out.flush();
            Thread.sleep(300); // the rest in a later segment
            out.write(ascii(body.substring(5)));
            out.flush();
        });

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.header("Retry-After")).hasValue("7");
        assertThat(e.body()).isEqualTo(body);
    }

    @Test
    void withoutAContentLengthOnlyWhatCameWithTheHeadIsKeptAndTheClientDoesNotWaitForTheClose() throws Exception {
        ClientOptions slowTimeout = ClientOptions.builder().handshakeTimeout(Duration.ofSeconds(20)).build();
        long start = System.nanoTime();
        HandshakeRefusedException e = againstRawServer(slowTimeout, out -> {
            out.write(ascii("HTTP/1.1 429 Too Many Requests\r\n\r\nslow down"));
            out.flush();
            Thread.sleep(5_000); // the connection stays open
        });

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(4_000);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.body()).isIn("slow down", ""); // the body may come in a segment of its own
    }

    @Test
    void aLargeBodyIsCutAtTheLimitAndAStalledOneAtTheHandshakeTimeout() throws Exception {
        HandshakeRefusedException big = againstRawServer(ClientOptions.defaults(), out -> {
            out.write(ascii("HTTP/1.1 403 Forbidden\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100_000)));
            out.flush();
        });
        assertThat(big.body()).hasSize(HandshakeRefusedException.MAX_BODY);

        ClientOptions quick = ClientOptions.builder().handshakeTimeout(Duration.ofSeconds(1)).build();
        HandshakeRefusedException stalled = againstRawServer(quick, out -> {
            out.write(ascii("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 50\r\n\r\nten bytes!"));
            out.flush();
            Thread.sleep(5_000);
        });
        assertThat(stalled.status()).isEqualTo(500);
        assertThat(stalled.body()).isEqualTo("ten bytes!");
    }

    /** A server that reads the request head, then lets {@code answer} write what it likes. */
    private HandshakeRefusedException againstRawServer(ClientOptions options, Answer answer) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    int matched = 0;
                    while (matched < 4) { // up to the blank line that ends the request head
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    answer.write(s.getOutputStream());
                } catch (Exception e) {
                    // the client may close first; what it reports is the test
                }
            });
            HandshakeRefusedException e = refusal(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/"), options);
            served.cancel(true);
            return e;
        }
    }

    private HandshakeRefusedException refusal(URI uri, ClientOptions options) throws Exception {
        Throwable t = catchThrowable(() -> client.open(uri, new WebSocketHandler() {}, options).get(15, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HandshakeRefusedException.class);
        return (HandshakeRefusedException) t.getCause();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @FunctionalInterface
    private interface Answer {
        void write(OutputStream out) throws Exception;
    }
}
