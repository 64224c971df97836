package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.support.RawClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route's {@link UpgradeCheck}: what it sees of the request, and what each decision puts on the
 * wire (raw bytes read by a plain socket), including the async, failing and never-deciding cases.
 */
@Timeout(60)
class UpgradeCheckTest {
    static final Path TLS = Path.of("src/test/resources/tls");
    static final String CHALLENGE = "Bearer realm=\"chat\"";

    /** Per onOpen: the attribute "user" and the thread the handler ran on. */
    final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
    /** Requests the check was asked about, in order. */
    final BlockingQueue<UpgradeRequest> asked = new LinkedBlockingQueue<>();
    WebSocketServer server;
    WebSocketClient client;
    ExecutorService pool;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Replies to each text with "{user}: {text}", the user being the attribute the check attached. */
    final WebSocketHandler userEcho = new WebSocketHandler() {
        @Override
        public void onOpen(WebSocket ws) {
            opened.add(ws.attribute("user") + " on " + Thread.currentThread().getName());
        }

        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(ws.attribute("user") + ": " + text);
        }
    };

    /** Bearer tokens: "alice-token" is alice, "mallory-token" is known and forbidden, others get 401. */
    UpgradeDecision byToken(UpgradeRequest request) {
        asked.add(request);
        String auth = request.header("Authorization").orElse("");
        if (auth.equals("Bearer alice-token")) {
            return UpgradeDecision.accept().withAttribute("user", "alice");
        }
        if (auth.equals("Bearer mallory-token")) {
            return UpgradeDecision.reject(403, "mallory may not use the chat");
        }
        return UpgradeDecision.reject(401, "send Authorization: Bearer <token>").withHeader("WWW-Authenticate", CHALLENGE);
    }

    void start(UpgradeCheck check) {
        start(WebSocketServer.builder(), check);
    }

    void start(WebSocketServer.Builder builder, UpgradeCheck check) {
        server = builder.host("127.0.0.1").port(0).eventLoops(1)
                .route(Route.at("/chat", userEcho).withUpgradeCheck(check))
                .build().start();
    }

    // ------------------------------------------------------------------------- refusals

    @Test
    void aRequestWithoutATokenGets401WithAChallengeAndTheReasonAsBody() throws Exception {
        start(UpgradeCheck.immediate(this::byToken));

        String response = exchange("/chat");

        assertThat(response).startsWith("HTTP/1.1 401 Unauthorized\r\n")
                .contains("\r\nWWW-Authenticate: " + CHALLENGE + "\r\n")
                .contains("\r\nContent-Type: text/plain; charset=utf-8\r\n")
                .contains("\r\nConnection: close\r\n")
                .endsWith("\r\n\r\nsend Authorization: Bearer <token>\n");
        assertOnlyTheNextAdmittedClientOpens();
    }

    @Test
    void aKnownButForbiddenUserGets403() throws Exception {
        start(UpgradeCheck.immediate(this::byToken));

        String response = exchange("/chat", "Authorization: Bearer mallory-token");

        assertThat(response).startsWith("HTTP/1.1 403 Forbidden\r\n").doesNotContain("WWW-Authenticate")
                .endsWith("\r\n\r\nmallory may not use the chat\n");
        assertOnlyTheNextAdmittedClientOpens();
    }

    @Test
    void theProtocolsOwnChecksComeFirstAndAnInvalidRequestNeverReachesTheCheck() throws Exception {
        start(WebSocketServer.builder().originPolicy(dev.duplex.protocol.handshake.OriginPolicy.allowOnly(
                List.of("https://app.example"))), UpgradeCheck.immediate(this::byToken));

        String badVersion = exchangeRaw("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
                + "Authorization: Bearer alice-token\r\n\r\n");
        String badOrigin = exchange("/chat", "Authorization: Bearer alice-token", "Origin: https://evil.example");
        String noToken = exchange("/chat", "Origin: https://app.example");

        assertThat(badVersion).startsWith("HTTP/1.1 426 ");
        assertThat(badOrigin).startsWith("HTTP/1.1 403 ").endsWith("origin not allowed\n");
        assertThat(noToken).startsWith("HTTP/1.1 401 ");
        assertThat(asked).as("the check saw only the request the protocol allowed").hasSize(1);
    }

    // ------------------------------------------------------------------------- admissions

    @Test
    void anAttributeFromTheCheckIsVisibleInOnOpenAndOnText() throws Exception {
        start(UpgradeCheck.immediate(this::byToken));
        client = WebSocketClient.create(1);
        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();

        WebSocket ws = client.open(URI.create("ws://127.0.0.1:" + server.port() + "/chat?room=1"), inbox,
                ClientOptions.builder().header("Authorization", "Bearer alice-token").build()).get(10, TimeUnit.SECONDS);
        ws.sendText("hello");

        assertThat(opened.poll(10, TimeUnit.SECONDS)).startsWith("alice on duplex-server-");
        assertThat(inbox.next()).isEqualTo("alice: hello");
        ws.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aSetCookieHeaderFromTheCheckIsInThe101AndTheConnectionWorks() throws Exception {
        start(UpgradeCheck.immediate(request -> UpgradeDecision.accept().withAttribute("user", "bob")
                .withHeader("Set-Cookie", "session=s3cr3t; HttpOnly; Secure").withHeader("X-Served-By", "duplex")));

        try (RawClient c = new RawClient(server.port())) {
            c.send(request("/chat", "Sec-WebSocket-Extensions: permessage-deflate"));
            String head = c.readHead();
            assertThat(head).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                    .contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                    .contains("\r\nSec-WebSocket-Extensions: permessage-deflate")
                    .contains("\r\nSet-Cookie: session=s3cr3t; HttpOnly; Secure\r\n")
                    .contains("\r\nX-Served-By: duplex\r\n");
            c.send(RawClient.frame(0x81, "hi".getBytes(StandardCharsets.UTF_8)));
            assertThat(readText(c)).isEqualTo("bob: hi");
        }
    }

    @Test
    void theCheckSeesTheRequestHeadersQueryCookiesSubprotocolsAndAddress() throws Exception {
        start(UpgradeCheck.immediate(this::byToken));

        exchange("/chat?token=a%20b+c&flag&x=1", "X-Multi: one", "Cookie: theme=dark; sid=\"abc\"",
                "x-multi: two", "Sec-WebSocket-Protocol: chat.v2, chat.v1");

        UpgradeRequest r = asked.poll(10, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/chat?token=a%20b+c&flag&x=1");
        assertThat(r.path()).isEqualTo("/chat");
        assertThat(r.query()).isEqualTo("token=a%20b+c&flag&x=1");
        assertThat(r.queryParameter("token")).contains("a b c");
        assertThat(r.queryParameter("flag")).contains("");
        assertThat(r.queryParameter("x")).contains("1");
        assertThat(r.queryParameter("missing")).isEmpty();
        assertThat(r.headers("X-MULTI")).containsExactly("one", "two");
        assertThat(r.header("x-multi")).contains("one");
        assertThat(r.headerNames()).containsExactly("Host", "Upgrade", "Connection", "Sec-WebSocket-Key",
                "Sec-WebSocket-Version", "X-Multi", "Cookie", "Sec-WebSocket-Protocol");
        assertThat(r.cookie("sid")).contains("abc");
        assertThat(r.cookie("theme")).contains("dark");
        assertThat(r.cookie("Theme")).isEmpty();
        assertThat(r.subprotocols()).containsExactly("chat.v2", "chat.v1");
        assertThat(r.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(r.tlsSession()).isEmpty();
        assertThat(r.peerCertificates()).isEmpty();
    }

    // ------------------------------------------------------------------------- asynchronous checks

    @Test
    void anAsyncDecisionCompletedLaterOnAnotherThreadIsAppliedOnTheEventLoop() throws Exception {
        BlockingQueue<CompletableFuture<UpgradeDecision>> pending = new LinkedBlockingQueue<>();
        start(request -> {
            CompletableFuture<UpgradeDecision> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        });

        try (RawClient c = new RawClient(server.port())) {
            c.send(request("/chat"));
            // A client that does not wait for the 101: its frame must be kept for the session.
            c.send(RawClient.frame(0x81, "early".getBytes(StandardCharsets.UTF_8)));
            CompletableFuture<UpgradeDecision> decision = pending.poll(10, TimeUnit.SECONDS);
            assertThat(decision).as("the check was asked").isNotNull();

            decision.complete(UpgradeDecision.accept().withAttribute("user", "carol")); // on this test thread

            assertThat(c.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(opened.poll(10, TimeUnit.SECONDS)).startsWith("carol on duplex-server-");
            assertThat(readText(c)).isEqualTo("carol: early");
            c.send(RawClient.frame(0x81, "later".getBytes(StandardCharsets.UTF_8)));
            assertThat(readText(c)).isEqualTo("carol: later");
        }
    }

    @Test
    void aBlockingCheckRunsOnTheGivenExecutorNotTheEventLoop() throws Exception {
        pool = Executors.newFixedThreadPool(1, r -> new Thread(r, "auth-pool"));
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        start(UpgradeCheck.blocking(pool, request -> {
            threads.add(Thread.currentThread().getName());
            return byToken(request);
        }));

        String refused = exchange("/chat");
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("/chat", "Authorization: Bearer alice-token"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 101 ");
            c.send(RawClient.frame(0x81, "x".getBytes(StandardCharsets.UTF_8)));
            assertThat(readText(c)).isEqualTo("alice: x");
        }

        assertThat(refused).startsWith("HTTP/1.1 401 ");
        assertThat(threads.poll(10, TimeUnit.SECONDS)).isEqualTo("auth-pool");
    }

    @Test
    void aCheckThatNeverDecidesIsAnswered503AtTheHandshakeTimeoutAndItsFutureCancelled() throws Exception {
        CompletableFuture<UpgradeDecision> never = new CompletableFuture<>();
        start(WebSocketServer.builder().handshakeTimeout(Duration.ofSeconds(1)), request -> never);

        long start = System.nanoTime();
        String response = exchange("/chat");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                .endsWith("\r\n\r\nthe server did not decide on this upgrade request in time; try again later\n");
        assertThat(ms).as("answered at the timeout, counted from the connection").isBetween(900L, 9_000L);
        assertThat(never).isCancelled();
        assertThat(server.connections()).isEmpty();
    }

    @Test
    void stoppingTheServerWhileACheckIsPendingClosesTheConnectionAndCancelsTheCheck() throws Exception {
        CompletableFuture<UpgradeDecision> never = new CompletableFuture<>();
        start(request -> {
            asked.add(request);
            return never;
        });

        try (RawClient c = new RawClient(server.port())) {
            c.send(request("/chat"));
            assertThat(asked.poll(10, TimeUnit.SECONDS)).as("the check was asked").isNotNull();

            server.stop(Duration.ofSeconds(1)); // returns once the loop, which ran the close, has stopped

            assertThat(never).isCancelled();
            int first;
            try {
                first = c.in.read();
            } catch (java.net.SocketException reset) {
                first = -1;
            }
            assertThat(first).as("closed without an answer").isEqualTo(-1);
        }
    }

    // ------------------------------------------------------------------------- failing checks

    @Test
    void aCheckThatThrowsIsAnswered500WithAGenericReason() throws Exception {
        start(UpgradeCheck.immediate(request -> {
            if (request.header("X-Boom").isPresent()) {
                throw new IllegalStateException("database password is hunter2");
            }
            return byToken(request);
        }));

        String response = exchange("/chat", "X-Boom: yes", "Authorization: Bearer alice-token");

        assertThat(response).startsWith("HTTP/1.1 500 Internal Server Error\r\n")
                .endsWith("\r\n\r\nthe server could not decide on this upgrade request\n")
                .doesNotContain("hunter2");
        assertOnlyTheNextAdmittedClientOpens();
    }

    @Test
    void aStageThatFailsOrCompletesWithNullOrANullStageIsAnswered500() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        pool = Executors.newSingleThreadExecutor();
        start(request -> {
            switch (calls.getAndIncrement()) {
                case 0: return CompletableFuture.failedFuture(new IOException("identity service unreachable"));
                case 1: return CompletableFuture.supplyAsync(() -> null, pool);
                default: return null;
            }
        });

        for (int i = 0; i < 3; i++) {
            assertThat(exchange("/chat")).as("call %d", i).startsWith("HTTP/1.1 500 ")
                    .endsWith("\r\n\r\nthe server could not decide on this upgrade request\n");
        }
    }

    // ------------------------------------------------------------------------- the decision's own rules

    @Test
    void headerInjectionIsRefusedWhenTheDecisionIsMade() {
        UpgradeDecision.Accept accept = UpgradeDecision.accept();
        UpgradeDecision.Reject reject = UpgradeDecision.reject(401, "no");

        assertThatThrownBy(() -> accept.withHeader("Set-Cookie", "a=b\r\nX-Evil: 1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Set-Cookie");
        assertThatThrownBy(() -> reject.withHeader("WWW-Authenticate", "Basic\nrealm=x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accept.withHeader("X-Evil\r\nSet-Cookie", "a=b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        assertThatThrownBy(() -> accept.withHeader("X-Name: value", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> accept.withHeader("X-Euro", "€")).isInstanceOf(IllegalArgumentException.class);
        for (String own : List.of("Connection", "upgrade", "Content-Length", "Content-Type", "Transfer-Encoding",
                "Sec-WebSocket-Accept", "sec-websocket-protocol")) {
            assertThatThrownBy(() -> accept.withHeader(own, "x")).as(own)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("written by the server itself");
        }
        assertThat(reject.withHeader("Retry-After", "30").headers().first("retry-after")).contains("30");
    }

    @Test
    void aRejectionIsAClientOrServerErrorAndAttributesAreNotNull() {
        for (int status : new int[] {101, 200, 302, 399, 600}) {
            assertThatThrownBy(() -> UpgradeDecision.reject(status, "x")).as("status %d", status)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("400–599");
        }
        assertThat(UpgradeDecision.reject(429, "slow down").status()).isEqualTo(429);
        assertThatThrownBy(() -> UpgradeDecision.accept().withAttribute("user", null)).isInstanceOf(NullPointerException.class);
        UpgradeDecision.Accept a = UpgradeDecision.accept().withAttribute("user", "alice");
        assertThat(a.withAttribute("role", "admin").attributes()).containsOnlyKeys("user", "role");
        assertThat(a.attributes()).containsOnlyKeys("user"); // copies, not changes
    }

    // ------------------------------------------------------------------------- TLS

    @Test
    void theCheckSeesTheClientCertificateOverWss() throws Exception {
        start(WebSocketServer.builder()
                        .tls(Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"), TLS.resolve("client-ca-cert.pem")))
                        .clientAuth(ClientAuth.OPTIONAL),
                UpgradeCheck.immediate(request -> request.peerCertificates().isEmpty()
                        ? UpgradeDecision.reject(401, "present a client certificate")
                        : UpgradeDecision.accept().withAttribute("user",
                                request.peerCertificates().get(0).getSubjectX500Principal().getName()
                                        + " over " + request.tlsSession().orElseThrow().getProtocol())));
        client = WebSocketClient.create(1);
        URI uri = URI.create("wss://localhost:" + server.port() + "/chat");

        CompletableFuture<WebSocket> anonymous = client.open(uri, new EchoServerTest.Inbox(), ClientOptions.builder()
                .sslContext(Tls.clientTrusting(TLS.resolve("cert.pem"))).build());
        assertThatThrownBy(() -> anonymous.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("401");

        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();
        WebSocket ws = client.open(uri, inbox, ClientOptions.builder()
                .sslContext(Tls.clientFromPem(TLS.resolve("client-cert.pem"), TLS.resolve("client-key.pem"),
                        TLS.resolve("cert.pem"))).build()).get(10, TimeUnit.SECONDS);
        ws.sendText("hi");
        assertThat(inbox.next()).isEqualTo("CN=alice,O=Duplex tests over TLSv1.3: hi");
        assertThat(opened.poll(10, TimeUnit.SECONDS)).startsWith("CN=alice,O=Duplex tests over TLSv1.3 on ");
        assertThat(opened).isEmpty();
        ws.close().get(5, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------- helpers

    static byte[] request(String target, String... headerLines) {
        StringBuilder b = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        for (String line : headerLines) {
            b.append(line).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends an upgrade request and returns everything the server sent until it closed. */
    String exchange(String target, String... headerLines) throws IOException {
        return exchangeRaw(new String(request(target, headerLines), StandardCharsets.ISO_8859_1));
    }

    String exchangeRaw(String request) throws IOException {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(c.readToEnd(), StandardCharsets.UTF_8);
        }
    }

    /** One unfragmented, unmasked text frame of at most 125 bytes from the server. */
    static String readText(RawClient c) throws IOException {
        byte[] header = c.in.readNBytes(2);
        assertThat(header).hasSize(2);
        assertThat(header[0] & 0xFF).as("FIN + text opcode").isEqualTo(0x81);
        int length = header[1] & 0x7F;
        assertThat(length).isLessThan(126);
        return new String(c.in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /**
     * A refused client got no onOpen: its refusal was complete (the server closed) before this
     * admitted one connects, so the admitted one's onOpen must be the first. No waiting for
     * something not to happen.
     */
    void assertOnlyTheNextAdmittedClientOpens() throws Exception {
        try (RawClient c = new RawClient(server.port())) {
            c.send(request("/chat", "Authorization: Bearer alice-token"));
            assertThat(c.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(opened.poll(10, TimeUnit.SECONDS)).startsWith("alice on ");
            assertThat(opened).isEmpty();
        }
    }
}
