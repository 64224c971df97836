package dev.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.Route;
import dev.duplex.UpgradeCheck;
import dev.duplex.UpgradeDecision;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code duplex connect} run in-process against a server made in the test. */
@Timeout(60)
class ConnectCommandTest {
    WebSocketServer server;

    /** What the /fuzz route got back from the client. */
    final BlockingQueue<Object> echoedBack = new LinkedBlockingQueue<>();
    /** How connections to /record ended, as "code reason". */
    final CompletableFuture<String> recordedClose = new CompletableFuture<>();
    final List<String> recorded = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/echo", new EchoHandler())
                .route("/close-4000", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.sendText("about to close");
                        ws.close(4000, "custom reason");
                    }
                })
                .route("/going-away", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.close(1001, "bye");
                    }
                })
                .route("/fuzz", new WebSocketHandler() { // sends three messages, expects them back, then closes
                    @Override
                    public void onOpen(WebSocket ws) {
                        ws.sendText("first");
                        ws.sendBinary(new byte[] {0, 1, 2, (byte) 0xff});
                        ws.sendText("tháird ✓");
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        got(ws, text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        byte[] b = new byte[data.remaining()];
                        data.get(b);
                        got(ws, b);
                    }

                    private void got(WebSocket ws, Object m) {
                        echoedBack.add(m);
                        if (echoedBack.size() == 3) {
                            ws.close(1000, "done");
                        }
                    }
                })
                .route(Route.at("/record", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        recorded.add(text);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
                        recordedClose.complete(code + " " + reason);
                    }
                }).withSubprotocols("chat.v2"))
                .route(Route.at("/private", new EchoHandler()).withUpgradeCheck(UpgradeCheck.immediate(r ->
                        r.header("Authorization").orElse("").equals("Bearer s3cret") ? UpgradeDecision.accept()
                                : UpgradeDecision.reject(401, "send a token"))))
                .build().start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(2));
    }

    String url(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    @Test
    void pipedLinesAreSentAndTheEchoesPrintedThenItClosesNormally() {
        Cli.Result r = Cli.run("hello\nworld\n\nlast line without newline", "connect", "--wait", "300ms", url("/echo"));
        assertThat(r.out()).isEqualTo("hello\nworld\n\nlast line without newline\n");
        assertThat(r.err()).contains("Connected to " + url("/echo")).contains("Connection closed: 1000 Normal Closure");
        assertThat(r.exit()).isZero();
    }

    @Test
    void commandsPingSendBinaryAndEscapeSlashes() {
        Cli.Result r = Cli.run("/ping are you there\n/binary 48 65 6c 6c 6f\n//not a command\n/frobnicate\n",
                "connect", "--wait", "300ms", url("/echo"));
        assertThat(r.out()).isEqualTo("<binary 5 bytes: 48656c6c6f>\n/not a command\n");
        assertThat(r.err()).contains("pong: are you there").contains("unknown command /frobnicate");
        assertThat(r.exit()).isZero();
    }

    @Test
    void noCommandsSendsSlashLinesAsText() {
        Cli.Result r = Cli.run("/quit\n", "connect", "--no-commands", "--wait", "300ms", url("/echo"));
        assertThat(r.out()).isEqualTo("/quit\n");
        assertThat(r.exit()).isZero();
    }

    @Test
    void closeCommandSendsTheCodeAndReasonAndAnUnusualCodeExitsOne() throws Exception {
        Cli.Result r = Cli.run("one\n/close 4001 had enough\nnever sent\n", "connect", url("/record"));
        assertThat(recordedClose.get(10, TimeUnit.SECONDS)).isEqualTo("4001 had enough");
        assertThat(recorded).containsExactly("one");
        assertThat(r.err()).contains("Connection closed: 4001"); // the server answers with the code alone
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void headersAndSubprotocolsAreSent() {
        Cli.Result r = Cli.run("x\n", "connect", "-s", "chat.v1", "--subprotocol", "chat.v2", "--wait", "0", url("/record"));
        assertThat(r.err()).contains("(subprotocol chat.v2)");
        assertThat(r.exit()).isZero();

        // The server's same-origin policy refuses a foreign Origin: proof that -H reached it.
        Cli.Result refused = Cli.run("", "connect", "-H", "Origin: http://evil.example", url("/echo"));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("403");
    }

    @Test
    void aRefusedUpgradeShowsTheStatusTheServersReasonAndWhatToDo() {
        Cli.Result refused = Cli.run("", "connect", url("/private"));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("answered 401 Unauthorized instead of 101 Switching Protocols: send a token")
                .contains("-H 'Authorization: ...'");

        Cli.Result admitted = Cli.run("hello\n", "connect", "-H", "Authorization: Bearer s3cret", url("/private"));
        assertThat(admitted.out()).contains("hello");
        assertThat(admitted.exit()).isZero();
    }

    @Test
    void echoModeSendsEveryMessageBackUnchangedAndStaysUntilTheServerCloses() throws Exception {
        Cli.Result r = Cli.run("", "connect", "--echo", url("/fuzz")); // stdin ends at once: --echo stays
        assertThat(echoedBack.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(echoedBack.poll(10, TimeUnit.SECONDS)).isEqualTo(new byte[] {0, 1, 2, (byte) 0xff});
        assertThat(echoedBack.poll(10, TimeUnit.SECONDS)).isEqualTo("tháird ✓");
        assertThat(r.out()).isEqualTo("first\n<binary 4 bytes: 000102ff>\ntháird ✓\n");
        assertThat(r.err()).contains("Connection closed by the server: 1000 Normal Closure \"done\"");
        assertThat(r.exit()).isZero();
    }

    @Test
    void serverClosingWith4000ExitsOneAndSaysWhy() {
        Cli.Result r = Cli.run("", "connect", "--wait", "forever", url("/close-4000"));
        assertThat(r.out()).isEqualTo("about to close\n");
        assertThat(r.err()).contains("Connection closed by the server: 4000 \"custom reason\"");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void serverGoingAwayIsANormalEnd() {
        Cli.Result r = Cli.run("", "connect", "--wait", "forever", url("/going-away"));
        assertThat(r.err()).contains("Connection closed by the server: 1001 Going Away \"bye\"");
        assertThat(r.exit()).isZero();
    }

    @Test
    void aRefusedHandshakeExitsOneAndNamesTheProblem() {
        Cli.Result r = Cli.run("hello\n", "connect", url("/no-such-route"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("could not connect to " + url("/no-such-route")).contains("404");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void nobodyListeningExitsOne() {
        int port = server.port();
        server.stop(Duration.ofSeconds(1));
        Cli.Result r = Cli.run("", "connect", "--connect-timeout", "5s", "ws://127.0.0.1:" + port + "/echo");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("could not connect to ws://127.0.0.1:" + port + "/echo");
    }

    @Test
    void inATerminalReceivedMessagesArePrefixedAndEndOfInputCloses() throws Exception {
        PipedOutputStream typing = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(typing);
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(
                () -> Cli.run(true, stdin, "connect", "--wait", "200ms", url("/echo")));
        typing.write("typed\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();
        typing.close(); // Ctrl-D
        Cli.Result r = run.get(20, TimeUnit.SECONDS);
        assertThat(r.out()).isEqualTo("< typed\n");
        assertThat(r.err()).contains("/help lists commands");
        assertThat(r.exit()).isZero();
    }

    @Test
    void largeBinaryMessagesShowAHexPrefix() {
        byte[] data = new byte[40];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertThat(ConnectCommand.describeBinary(ByteBuffer.wrap(data)))
                .isEqualTo("<binary 40 bytes: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f…>");
        assertThat(ConnectCommand.describeBinary(ByteBuffer.allocate(0))).isEqualTo("<binary 0 bytes>");
    }

    @Test
    void maxMessageLimitsWhatTheClientAccepts() {
        Cli.Result r = Cli.run("x".repeat(2000) + "\n", "connect", "--max-message", "1000", url("/echo"));
        assertThat(r.err()).contains("1009");
        assertThat(r.exit()).isEqualTo(1);
    }
}
