package dev.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.ClientOptions;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code duplex serve} run in-process, talked to with our client and the JDK's HTTP client. */
@Timeout(60)
class ServeCommandTest {
    WebSocketClient client;

    @BeforeEach
    void client() {
        client = WebSocketClient.create(1);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    static URI ws(Cli.Serve serve, String path) {
        return URI.create("ws://127.0.0.1:" + serve.port() + path);
    }

    static HttpResponse<String> get(Cli.Serve serve, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    WebSocket open(URI uri, Inbox inbox) throws Exception {
        return client.open(uri, inbox, ClientOptions.defaults()).get(10, TimeUnit.SECONDS);
    }

    @Test
    void echoesTextAsTextAndBinaryAsBinary() throws Exception {
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0", "--event-loops", "2")) {
            Inbox inbox = new Inbox();
            WebSocket ws = open(ws(serve, "/echo"), inbox);
            ws.sendText("héllo, wörld");
            byte[] binary = new byte[70_000];
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) (i * 31);
            }
            ws.sendBinary(binary);
            ws.sendText("");
            assertThat(inbox.next()).isEqualTo("héllo, wörld");
            assertThat(inbox.next()).isEqualTo(binary);
            assertThat(inbox.next()).isEqualTo("");
            ws.close();
            assertThat(inbox.closeWithin10s()).startsWith("1000");
            assertThat(serve.stop()).isZero();
        }
    }

    @Test
    void chatSendsEveryMessageToEveryoneUnderItsSendersNameAndAnnouncesJoinsAndLeaves() throws Exception {
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0")) {
            Inbox alice = new Inbox();
            WebSocket a = open(ws(serve, "/chat"), alice);
            String aliceName = "127.0.0.1:" + a.localAddress().getPort();
            assertThat(alice.next()).isEqualTo("* " + aliceName + " joined");

            Inbox bob = new Inbox();
            WebSocket b = open(ws(serve, "/chat"), bob);
            String bobName = "127.0.0.1:" + b.localAddress().getPort();
            assertThat(alice.next()).isEqualTo("* " + bobName + " joined");
            assertThat(bob.next()).isEqualTo("* " + bobName + " joined");

            a.sendText("hi from alice");
            assertThat(alice.next()).isEqualTo(aliceName + ": hi from alice"); // the sender too
            assertThat(bob.next()).isEqualTo(aliceName + ": hi from alice");
            b.sendText("hi from bob");
            assertThat(alice.next()).isEqualTo(bobName + ": hi from bob");
            assertThat(bob.next()).isEqualTo(bobName + ": hi from bob");
            // A member cannot pass a line off as the room's own: it arrives under the sender's name.
            b.sendText("* " + aliceName + " left");
            assertThat(alice.next()).isEqualTo(bobName + ": * " + aliceName + " left");
            assertThat(bob.next()).isEqualTo(bobName + ": * " + aliceName + " left");
            b.sendBinary(new byte[] {1, 2, 3});
            assertThat(alice.next()).isEqualTo(new byte[] {1, 2, 3});
            assertThat(bob.next()).isEqualTo(new byte[] {1, 2, 3});

            b.close();
            assertThat(alice.next()).isEqualTo("* " + bobName + " left");
            assertThat(bob.messages).isEmpty();
        }
    }

    @Test
    void servesTheChatPageAtTheRootAndAHealthCheck() throws Exception {
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0")) {
            HttpResponse<String> page = get(serve, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body())
                    .contains("new WebSocket(")
                    .contains("/chat")
                    .contains("location.host")
                    .contains("id=\"status\"", "id=\"log\"", "id=\"input\"", "id=\"send\"", "id=\"reconnect\"")
                    .doesNotContain("http://", "https://"); // self-contained: no external resources

            HttpResponse<String> health = get(serve, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(get(serve, "/nothing-here").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void thePageServedByTheServerMayConnectButOtherOriginsMayNot() throws Exception {
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0")) {
            // What a browser sends for a page loaded from http://127.0.0.1:PORT/
            ClientOptions sameOrigin = ClientOptions.builder().header("Origin", "http://127.0.0.1:" + serve.port()).build();
            Inbox inbox = new Inbox();
            WebSocket ws = client.open(ws(serve, "/chat"), inbox, sameOrigin).get(10, TimeUnit.SECONDS);
            assertThat(inbox.next()).asString().endsWith(" joined");
            ws.close();

            ClientOptions otherOrigin = ClientOptions.builder().header("Origin", "http://evil.example").build();
            assertThatThrownBy(() -> client.open(ws(serve, "/chat"), new Inbox(), otherOrigin).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("403");
        }
    }

    @Test
    void staticFilesComeFromTheDirectoryAndThePageStaysAtTheRoot(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hello from a file\n");
        Files.writeString(dir.resolve("index.html"), "<p>not the chat page</p>");
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0", "--static", dir.toString())) {
            HttpResponse<String> file = get(serve, "/hello.txt");
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.body()).isEqualTo("hello from a file\n");
            assertThat(get(serve, "/").body()).contains("new WebSocket(");
        }
    }

    @Test
    void stoppingClosesEveryConnectionWith1001() throws Exception {
        Cli.Serve serve = Cli.Serve.start("serve", "--port", "0");
        Inbox one = new Inbox();
        Inbox two = new Inbox();
        open(ws(serve, "/echo"), one);
        open(ws(serve, "/chat"), two);
        assertThat(serve.stop()).isZero();
        assertThat(one.closeWithin10s()).startsWith("1001");
        assertThat(two.closeWithin10s()).startsWith("1001");
    }

    @Test
    void maxMessageLimitsWhatTheServerAccepts() throws Exception {
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0", "--max-message", "1KiB")) {
            Inbox inbox = new Inbox();
            WebSocket ws = open(ws(serve, "/echo"), inbox);
            ws.sendText("x".repeat(1024));
            assertThat(inbox.next()).isEqualTo("x".repeat(1024));
            ws.sendBinary(ByteBuffer.wrap(new byte[1025]));
            assertThat(inbox.closeWithin10s()).startsWith("1009");
        }
    }

    @Test
    void aPortInUseIsAFailureThatSaysWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run("", "serve", "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("--port 0");
        }
    }

    @Test
    void servesWssWithPemFilesAndConnectTrustsThemWithCaCert(@TempDir Path dir) throws Exception {
        TestCertificates.Pem pem = TestCertificates.selfSigned(dir);
        try (Cli.Serve serve = Cli.Serve.start("serve", "--port", "0",
                "--tls-cert", pem.cert().toString(), "--tls-key", pem.key().toString())) {
            Cli.Result r = Cli.run("over tls\n", "connect", "--wait", "200ms", "--ca-cert", pem.cert().toString(),
                    "wss://127.0.0.1:" + serve.port() + "/echo");
            assertThat(r.err()).contains("Connection closed: 1000");
            assertThat(r.out()).isEqualTo("over tls\n");
            assertThat(r.exit()).isZero();

            Cli.Result untrusted = Cli.run("", "connect", "--wait", "0", "wss://127.0.0.1:" + serve.port() + "/echo");
            assertThat(untrusted.exit()).isEqualTo(1);
            assertThat(untrusted.err()).contains("could not connect");
        }
        String body = new String(Files.readAllBytes(pem.cert()), StandardCharsets.US_ASCII);
        assertThat(body).startsWith("-----BEGIN CERTIFICATE-----");
    }
}
