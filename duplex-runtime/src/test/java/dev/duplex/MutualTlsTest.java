package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS: a server that asks for client certificates, our client and the JDK's presenting
 * one, and what each side sees when the certificate is missing or from a CA the server does not
 * trust. The TLS version is pinned through the JDK client, whose SSLParameters allow it.
 */
@Timeout(60)
class MutualTlsTest {
    static final Path TLS = Path.of("src/test/resources/tls");
    static final Path CERT = TLS.resolve("cert.pem");
    static final Path KEY = TLS.resolve("key.pem");
    static final Path CLIENT_CA = TLS.resolve("client-ca-cert.pem");
    static final Path CLIENT_CERT = TLS.resolve("client-cert.pem");
    static final Path CLIENT_KEY = TLS.resolve("client-key.pem");
    static final Path CLIENT_P12 = TLS.resolve("client.p12");
    static final Path STRANGER_CERT = TLS.resolve("stranger-cert.pem");
    static final Path STRANGER_KEY = TLS.resolve("stranger-key.pem");
    static final String ALICE = "CN=alice,O=Duplex tests";

    /** What the server's handler saw at each onOpen, in order. */
    final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
    WebSocketServer server;
    WebSocketClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
    }

    /** A server whose /who route tells both the test and the client who connected, over which TLS. */
    void start(ClientAuth clientAuth) throws IOException {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .tls(Tls.serverFromPem(CERT, KEY, CLIENT_CA)).clientAuth(clientAuth)
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
        client = WebSocketClient.create(1);
    }

    URI uri() {
        return URI.create("wss://localhost:" + server.port() + "/who");
    }

    // ------------------------------------------------------------------------- our client

    @Test
    void requiredAdmitsOurClientWithACertificateFromTheTrustedCa() throws Exception {
        start(ClientAuth.REQUIRED);
        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();

        WebSocket ws = connect(Tls.clientFromPem(CLIENT_CERT, CLIENT_KEY, CERT), inbox);

        assertThat(opened.poll(10, TimeUnit.SECONDS)).isEqualTo(ALICE + " over TLSv1.3");
        assertThat(inbox.next()).isEqualTo(ALICE + " over TLSv1.3");
        // the client sees the server's chain the same way
        assertThat(ws.peerCertificates()).extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly("CN=localhost");
        ws.close().get(5, TimeUnit.SECONDS);
    }

    @Test
    void requiredAdmitsOurClientWithAPkcs12Certificate() throws Exception {
        start(ClientAuth.REQUIRED);
        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();

        connect(Tls.clientFromPkcs12(CLIENT_P12, "changeit".toCharArray(), CERT), inbox);

        assertThat(inbox.next()).isEqualTo(ALICE + " over TLSv1.3");
    }

    @Test
    void requiredRefusesOurClientWithoutACertificateInTheTlsHandshake() throws Exception {
        start(ClientAuth.REQUIRED);

        CompletableFuture<WebSocket> refused = client.open(uri(), new EchoServerTest.Inbox(),
                ClientOptions.builder().sslContext(Tls.clientTrusting(CERT)).build());

        // TLS 1.3: our handshake is over when the server checks, so its alert comes in answer to
        // the request. JDK 17's server says bad_certificate, later ones the TLS 1.3 alert.
        assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingRootCause().isInstanceOf(SSLHandshakeException.class)
                .withMessageMatching(".*alert: (bad_certificate|certificate_required).*");
        assertOnlyTheNextClientOpens();
    }

    @Test
    void requiredRefusesOurClientWithACertificateFromAnotherCa() throws Exception {
        start(ClientAuth.REQUIRED);
        // The JDK's key manager may hold back a certificate whose issuer the server's request does
        // not name; this one presents it anyway, as openssl-based clients do.
        SSLContext stranger = presentingAnyway(STRANGER_CERT, STRANGER_KEY);

        CompletableFuture<WebSocket> refused = client.open(uri(), new EchoServerTest.Inbox(),
                ClientOptions.builder().sslContext(stranger).build());

        assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .havingRootCause().isInstanceOf(SSLHandshakeException.class)
                .withMessageContaining("certificate_unknown");
        assertOnlyTheNextClientOpens();
    }

    @Test
    void optionalAdmitsOurClientWithAndWithoutACertificateAndSaysWhich() throws Exception {
        start(ClientAuth.OPTIONAL);
        EchoServerTest.Inbox anonymous = new EchoServerTest.Inbox();
        EchoServerTest.Inbox alice = new EchoServerTest.Inbox();

        connect(Tls.clientTrusting(CERT), anonymous);
        assertThat(anonymous.next()).isEqualTo("anonymous over TLSv1.3");
        connect(Tls.clientFromPem(CLIENT_CERT, CLIENT_KEY, CERT), alice);
        assertThat(alice.next()).isEqualTo(ALICE + " over TLSv1.3");

        assertThat(opened).containsExactly("anonymous over TLSv1.3", ALICE + " over TLSv1.3");
    }

    @Test
    void noneDoesNotAskForTheCertificateAClientHas() throws Exception {
        start(ClientAuth.NONE);
        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();

        connect(Tls.clientFromPem(CLIENT_CERT, CLIENT_KEY, CERT), inbox);

        assertThat(inbox.next()).isEqualTo("anonymous over TLSv1.3");
    }

    // ------------------------------------------------------ the JDK's client, TLS 1.2 and 1.3

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void requiredAdmitsTheJdkClientWithACertificateFromTheTrustedCa(String protocol) throws Exception {
        start(ClientAuth.REQUIRED);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();

        jdkClient(protocol, jdkContext(CLIENT_CERT, CLIENT_KEY, false), got).get(10, TimeUnit.SECONDS);

        assertThat(opened.poll(10, TimeUnit.SECONDS)).isEqualTo(ALICE + " over " + protocol);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(ALICE + " over " + protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void requiredRefusesTheJdkClientWithoutACertificate(String protocol) throws Exception {
        start(ClientAuth.REQUIRED);

        assertThat(jdkClient(protocol, Tls.clientTrusting(CERT), new LinkedBlockingQueue<>()))
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withCauseInstanceOf(SSLHandshakeException.class);
        assertOnlyTheNextClientOpens();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void requiredRefusesTheJdkClientWithACertificateFromAnotherCa(String protocol) throws Exception {
        start(ClientAuth.REQUIRED);

        assertThat(jdkClient(protocol, jdkContext(STRANGER_CERT, STRANGER_KEY, true), new LinkedBlockingQueue<>()))
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withCauseInstanceOf(SSLHandshakeException.class);
        assertOnlyTheNextClientOpens();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void optionalAdmitsTheJdkClientWithAndWithoutACertificate(String protocol) throws Exception {
        start(ClientAuth.OPTIONAL);
        BlockingQueue<String> got = new LinkedBlockingQueue<>();

        jdkClient(protocol, Tls.clientTrusting(CERT), got).get(10, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("anonymous over " + protocol);
        jdkClient(protocol, jdkContext(CLIENT_CERT, CLIENT_KEY, false), got).get(10, TimeUnit.SECONDS);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(ALICE + " over " + protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void optionalStillRefusesACertificateFromAnotherCa(String protocol) throws Exception {
        start(ClientAuth.OPTIONAL);

        assertThat(jdkClient(protocol, jdkContext(STRANGER_CERT, STRANGER_KEY, true), new LinkedBlockingQueue<>()))
                .failsWithin(Duration.ofSeconds(10)).withThrowableThat()
                .withCauseInstanceOf(SSLHandshakeException.class);
        assertOnlyTheNextClientOpens();
    }

    // ------------------------------------------------------------------------- ws:// and setup

    @Test
    void aPlainConnectionHasNoTlsSessionAndNoPeerCertificates() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .route("/who", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        seen.add(ws.tlsSession().isPresent() + " " + ws.peerCertificates());
                    }
                }).build().start();
        client = WebSocketClient.create(1);

        WebSocket ws = client.open(URI.create("ws://127.0.0.1:" + server.port() + "/who"), new EchoServerTest.Inbox(),
                ClientOptions.defaults()).get(10, TimeUnit.SECONDS);

        assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("false []");
        assertThat(ws.tlsSession()).isEmpty();
        assertThat(ws.peerCertificates()).isEmpty();
    }

    @Test
    void askingForClientCertificatesWithoutTlsIsRefusedAtBuild() {
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).clientAuth(ClientAuth.REQUIRED);

        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clientAuth(REQUIRED) needs TLS")
                .hasMessageContaining("tls(");
    }

    // --------------------------------------------------------------------------------- Tls

    @Test
    void aServerContextWithAClientCaTakesOnlyCertificates() {
        assertThatThrownBy(() -> Tls.serverFromPem(CERT, KEY, CLIENT_KEY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate found in " + CLIENT_KEY);
    }

    @Test
    void aClientCertificateWithTheWrongKeyIsRejected() {
        assertThatThrownBy(() -> Tls.clientFromPem(CLIENT_CERT, STRANGER_KEY, CERT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate CN=alice");
    }

    @Test
    void aClientPkcs12WithAWrongPasswordIsSaidSo() {
        assertThatThrownBy(() -> Tls.clientFromPkcs12(CLIENT_P12, "wrong".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong password for");
    }

    @Test
    void aPemFileGivenAsAClientPkcs12IsRejectedWithThePemMethod() {
        assertThatThrownBy(() -> Tls.clientFromPkcs12(CLIENT_CERT, "changeit".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clientFromPem");
    }

    // ------------------------------------------------------------------------------ helpers

    WebSocket connect(SSLContext context, WebSocketHandler handler) throws Exception {
        return client.open(uri(), handler, ClientOptions.builder().sslContext(context).build())
                .get(10, TimeUnit.SECONDS);
    }

    /**
     * Proves a refused client got no onOpen without waiting for something not to happen: the
     * refusal is over once the client saw it, so a client admitted next must be the first open.
     */
    void assertOnlyTheNextClientOpens() throws Exception {
        EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();
        WebSocket ws = connect(Tls.clientFromPem(CLIENT_CERT, CLIENT_KEY, CERT), inbox);
        assertThat((String) inbox.next()).startsWith(ALICE);
        assertThat(opened).hasSize(1).allMatch(s -> s.startsWith(ALICE));
        ws.close().get(5, TimeUnit.SECONDS);
    }

    CompletableFuture<java.net.http.WebSocket> jdkClient(String protocol, SSLContext context, BlockingQueue<String> got) {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {protocol});
        return HttpClient.newBuilder().sslContext(context).sslParameters(params).build().newWebSocketBuilder()
                .buildAsync(uri(), new java.net.http.WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        got.add(data.toString());
                        w.request(1);
                        return null;
                    }
                });
    }

    /** A JDK context with a client key, trusting the server's certificate. */
    static SSLContext jdkContext(Path certPem, Path keyPem, boolean presentAnyway) throws Exception {
        return presentAnyway ? presentingAnyway(certPem, keyPem) : Tls.clientFromPem(certPem, keyPem, CERT);
    }

    /** A client context whose key manager offers its certificate whatever issuers the server names. */
    static SSLContext presentingAnyway(Path certPem, Path keyPem) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", pkcs8(keyPem), new char[0], new Certificate[] {certificate(certPem)});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        X509KeyManager real = (X509KeyManager) kmf.getKeyManagers()[0];
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate(CERT));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new X509ExtendedKeyManager[] {new PresentAnyway(real)}, tmf.getTrustManagers(), null);
        return context;
    }

    private static PrivateKey pkcs8(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static final class PresentAnyway extends X509ExtendedKeyManager {
        private final X509KeyManager real;

        PresentAnyway(X509KeyManager real) {
            this.real = real;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return real.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return real.getPrivateKey(alias);
        }
    }
}
