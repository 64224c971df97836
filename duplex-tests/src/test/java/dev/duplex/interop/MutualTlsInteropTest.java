package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.ClientAuth;
import dev.duplex.Tls;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS with clients nobody here wrote: Node's {@code ws} and Python's {@code websockets},
 * built on OpenSSL, present a client certificate to a Duplex server that requires one. They send
 * whatever certificate they are given (the JDK's key manager may hold back one whose issuer the
 * server does not name), so the stranger case surely reaches the server's trust check. (The JDK's own
 * client is in duplex-runtime's MutualTlsTest.)
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MutualTlsInteropTest {
    /** The runtime's test certificates, where their README says how they were made; not copied here. */
    static final Path TLS = Peers.testsDir().resolveSibling("duplex-runtime").resolve("src/test/resources/tls");
    static final String ALICE = "CN=alice,O=Duplex tests";

    final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
    WebSocketServer server;
    ScriptPeer peer;

    @AfterEach
    void stop() {
        try {
            if (peer != null) {
                peer.close();
            }
        } finally {
            if (server != null) {
                server.stop(Duration.ofSeconds(1));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"node, TLSv1.3", "node, TLSv1.2", "python, TLSv1.3", "python, TLSv1.2"})
    void aClientCertificateFromTheTrustedCaIsAdmittedAndTheHandlerSeesItsSubject(String kind, String version)
            throws Exception {
        startServer();

        peer = start(kind, tls("client-cert.pem", "client-key.pem", version));

        peer.expect("open");
        assertThat(opened.poll(30, TimeUnit.SECONDS)).isEqualTo(ALICE + " over " + version);
        assertThat(peer.expect("text").str("data")).isEqualTo(ALICE + " over " + version);
        peer.close(1000, "done");
        assertThat(peer.expect("close").num("code")).isEqualTo(1000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "python"})
    void aClientWithoutACertificateIsRefusedInTheTlsHandshake(String kind) throws Exception {
        startServer();

        peer = start(kind, tls(null, null, null));

        // OpenSSL's words for the TLS alert the server sent, in Node's and Python's messages alike:
        // bad_certificate from a JDK 17 server, certificate_required from later ones
        assertThat(peer.expect("error").str("message")).as("what %s reports", peer.name())
                .matches("(?is).*alert (bad certificate|certificate required).*");
        assertOnlyTheNextClientOpens(kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"node", "python"})
    void aClientCertificateFromAnotherCaIsRefusedInTheTlsHandshake(String kind) throws Exception {
        startServer();

        peer = start(kind, tls("stranger-cert.pem", "stranger-key.pem", null));

        assertThat(peer.expect("error").str("message")).as("what %s reports", peer.name())
                .containsIgnoringCase("alert certificate unknown");
        assertOnlyTheNextClientOpens(kind);
    }

    // ------------------------------------------------------------------------------ helpers

    void startServer() throws Exception {
        assertThat(TLS.resolve("client-ca-cert.pem")).as("the runtime's test certificates").exists();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .tls(Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"), TLS.resolve("client-ca-cert.pem")))
                .clientAuth(ClientAuth.REQUIRED)
                .route("/who", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        String who = ws.peerCertificates().isEmpty() ? "anonymous"
                                : ws.peerCertificates().get(0).getSubjectX500Principal().getName();
                        String seen = who + " over " + ws.tlsSession().orElseThrow().getProtocol();
                        opened.add(seen);
                        ws.sendText(seen);
                    }
                }).build().start();
    }

    ScriptPeer start(String kind, String options) throws Exception {
        // 127.0.0.1, not localhost: Node may resolve localhost to ::1, where nothing listens
        String uri = "wss://127.0.0.1:" + server.port() + "/who";
        if (kind.equals("node")) {
            Peers.require(Peers.NODE_WS);
            return ScriptPeer.node("client", uri, options);
        }
        Peers.require(Peers.PYTHON_WEBSOCKETS);
        return ScriptPeer.python("client", uri, options);
    }

    /** The peer scripts' "tls" option: trust the server's certificate, present cert and key if given. */
    static String tls(String cert, String key, String version) {
        StringBuilder sb = new StringBuilder("{\"tls\":{\"ca\":").append(quoted(TLS.resolve("cert.pem")));
        if (cert != null) {
            sb.append(",\"cert\":").append(quoted(TLS.resolve(cert))).append(",\"key\":").append(quoted(TLS.resolve(key)));
        }
        if (version != null) {
            sb.append(",\"version\":\"").append(version).append('"');
        }
        return sb.append("}}").toString();
    }

    private static String quoted(Path p) {
        assertThat(Files.isRegularFile(p)).as("%s exists", p).isTrue();
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * A refused client got no onOpen: its refusal is over once it reported it, so a client
     * admitted next must be the first open. No waiting for something not to happen.
     */
    void assertOnlyTheNextClientOpens(String kind) throws Exception {
        peer.close();
        peer = start(kind, tls("client-cert.pem", "client-key.pem", null));
        peer.expect("open");
        assertThat(opened.poll(30, TimeUnit.SECONDS)).startsWith(ALICE);
        assertThat(opened).isEmpty();
    }
}
