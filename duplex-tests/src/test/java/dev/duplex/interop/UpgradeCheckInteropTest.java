package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.duplex.Route;
import dev.duplex.UpgradeCheck;
import dev.duplex.UpgradeDecision;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route's upgrade check as a client nobody here wrote sees it: the JDK's java.net.http
 * WebSocket sends an {@code Authorization} header of its own making, is admitted with what the
 * check learned from it, and without it gets a 401 with a challenge.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpgradeCheckInteropTest {
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocketServer server;
    HttpClient http;

    @BeforeEach
    void start() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route(Route.at("/chat", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(ws.attribute("user") + ": " + text);
                    }
                }).withUpgradeCheck(UpgradeCheck.immediate(request ->
                        request.header("Authorization").orElse("").equals("Bearer alice-token")
                                ? UpgradeDecision.accept().withAttribute("user", "alice")
                                : UpgradeDecision.reject(401, "send Authorization: Bearer <token>")
                                        .withHeader("WWW-Authenticate", "Bearer realm=\"chat\""))))
                .build().start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(1));
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/chat");
    }

    @Test
    void theJdkClientWithATokenIsAdmittedAndTheHandlerKnowsItsUser() throws Exception {
        java.net.http.WebSocket ws = http.newWebSocketBuilder().header("Authorization", "Bearer alice-token")
                .buildAsync(uri(), new Collecting()).get(30, TimeUnit.SECONDS);

        ws.sendText("hello", true).get(10, TimeUnit.SECONDS);

        assertThat(received.poll(30, TimeUnit.SECONDS)).isEqualTo("alice: hello");
        ws.sendClose(1000, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void theJdkClientWithoutATokenSees401AndTheChallenge() throws Exception {
        Throwable failure = catchThrowable(() -> http.newWebSocketBuilder().header("Authorization", "Bearer wrong")
                .buildAsync(uri(), new Collecting()).get(30, TimeUnit.SECONDS));

        assertThat(failure).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        var response = ((WebSocketHandshakeException) failure.getCause()).getResponse();
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"chat\"");
        assertThat(received).isEmpty();
    }

    @Test
    void nodeWsWithATokenIsAdmittedAndWithoutOneSees401TheChallengeAndTheReason() throws Exception {
        Peers.require(Peers.NODE_WS);
        try (ScriptPeer admitted = ScriptPeer.node("client", uri().toString(),
                "{\"headers\":{\"Authorization\":\"Bearer alice-token\"}}")) {
            admitted.expect("open");
            admitted.sendText("hi from node");
            assertThat(admitted.expect("text").str("data")).isEqualTo("alice: hi from node");
            admitted.close(1000, "done");
            assertThat(admitted.expect("close").num("code")).isEqualTo(1000);
        }
        try (ScriptPeer refused = ScriptPeer.node("client", uri().toString(),
                "{\"headers\":{\"Authorization\":\"Bearer wrong\"}}")) {
            Event error = refused.expect("error");
            assertThat(error.str("message")).isEqualTo("unexpected response 401");
            assertThat(error.str("challenge")).isEqualTo("Bearer realm=\"chat\"");
            assertThat(error.str("body")).isEqualTo("send Authorization: Bearer <token>\n");
        }
    }

    private final class Collecting implements java.net.http.WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }
}
