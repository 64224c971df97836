package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The contexts Tls makes, proven with the JDK's own SSLSocket on both ends. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final Path TLS = resources();
    private static final String CONVERT = "openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem";
    private static ExecutorService threads;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startThreads() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    // ---------------------------------------------------------------------------------- servers

    @Test
    void aServerFromPemFilesHandshakesWithAVerifyingJdkClient() throws Exception {
        SSLContext server = Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"));

        String protocol = roundTrip(server, Tls.clientTrusting(TLS.resolve("cert.pem")), true);

        assertThat(protocol).isEqualTo("TLSv1.3");
    }

    @Test
    void aServerFromPemFilesTakesAnEcKey() throws Exception {
        SSLContext server = Tls.serverFromPem(TLS.resolve("other-cert.pem"), TLS.resolve("other-key.pem"));

        assertThat(roundTrip(server, Tls.clientTrusting(TLS.resolve("other-cert.pem")), false)).startsWith("TLSv1.");
    }

    @Test
    void aServerFromPkcs12HandshakesWithAVerifyingJdkClient() throws Exception {
        SSLContext server = Tls.serverFromPkcs12(TLS.resolve("keystore.p12"), "changeit".toCharArray());

        assertThat(roundTrip(server, Tls.clientTrusting(TLS.resolve("cert.pem")), true)).isEqualTo("TLSv1.3");
    }

    @Test
    void pkcs1KeysAreRejectedWithTheConversionCommand() {
        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key-pkcs1.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PKCS#1")
                .hasMessageContaining("BEGIN RSA PRIVATE KEY")
                .hasMessageContaining(CONVERT);
    }

    @Test
    void sec1KeysAreRejectedWithTheConversionCommand() {
        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("other-cert.pem"), TLS.resolve("other-key-sec1.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SEC1")
                .hasMessageContaining(CONVERT);
    }

    @Test
    void encryptedKeysAreRejectedWithTheDecryptionCommand() throws IOException {
        Path key = write("encrypted.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjAp\n"
                + "-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("cert.pem"), key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encrypted")
                .hasMessageContaining(CONVERT);
    }

    @Test
    void aKeyOfAnotherAlgorithmIsRejected() {
        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("other-key.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is EC but the certificate's key is RSA");
    }

    @Test
    void anRsaKeyOfAnotherCertificateIsRejected() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        Path key = writeKey("stranger-rsa.pem", rsa.generateKeyPair().getPrivate());

        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("cert.pem"), key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate CN=localhost");
    }

    @Test
    void anEcKeyOfAnotherCertificateIsRejected() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        Path key = writeKey("stranger-ec.pem", ec.generateKeyPair().getPrivate());

        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("other-cert.pem"), key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate CN=other.example");
    }

    @Test
    void swappedFilesAreCalledOut() {
        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("key.pem"), TLS.resolve("cert.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate found in")
                .hasMessageContaining("swapped");
    }

    @Test
    void aPemFileWithoutCertificatesIsRejected() throws IOException {
        Path empty = write("empty.pem", "just some text\n");

        assertThatThrownBy(() -> Tls.serverFromPem(empty, TLS.resolve("key.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate found in " + empty)
                .hasMessageContaining("BEGIN CERTIFICATE");
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = tmp.resolve("nope/key.pem");

        assertThatThrownBy(() -> Tls.serverFromPem(TLS.resolve("cert.pem"), missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("private key file does not exist");
    }

    @Test
    void aMissingCertificateFileIsNamed() {
        Path missing = tmp.resolve("cert.pem");

        assertThatThrownBy(() -> Tls.serverFromPem(missing, TLS.resolve("key.pem")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("certificate chain file does not exist");
    }

    @Test
    void aWrongPkcs12PasswordIsSaidSo() {
        assertThatThrownBy(() -> Tls.serverFromPkcs12(TLS.resolve("keystore.p12"), "wrong".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong password for");
    }

    @Test
    void aPkcs12WithoutAKeyIsRejected() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", certificate(TLS.resolve("cert.pem")));
        Path file = tmp.resolve("trust-only.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }

        assertThatThrownBy(() -> Tls.serverFromPkcs12(file, "changeit".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no private key");
    }

    @Test
    void aPemFileGivenAsPkcs12IsRejected() {
        assertThatThrownBy(() -> Tls.serverFromPkcs12(TLS.resolve("cert.pem"), "changeit".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("serverFromPem");
    }

    @Test
    void aMissingPkcs12FileIsNamed() {
        assertThatThrownBy(() -> Tls.serverFromPkcs12(tmp.resolve("none.p12"), new char[0]))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("none.p12");
    }

    // ---------------------------------------------------------------------------------- clients

    @Test
    void clientTrustingRefusesOtherCertificates() throws Exception {
        SSLContext server = Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"));

        assertThatThrownBy(() -> roundTrip(server, Tls.clientTrusting(TLS.resolve("other-cert.pem")), false))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void clientTrustingReadsEveryCertificateInTheFile() throws Exception {
        Path both = write("both.pem", Files.readString(TLS.resolve("other-cert.pem"))
                + "some comment between blocks\n" + Files.readString(TLS.resolve("cert.pem")));
        SSLContext server = Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"));

        assertThat(roundTrip(server, Tls.clientTrusting(both), true)).isEqualTo("TLSv1.3");
    }

    @Test
    void clientTrustingANonCertificateFileIsRejected() {
        assertThatThrownBy(() -> Tls.clientTrusting(TLS.resolve("key.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate found");
    }

    @Test
    void clientDefaultIsTheJvmsDefaultContext() throws Exception {
        assertThat(Tls.clientDefault()).isSameAs(SSLContext.getDefault());
    }

    @Test
    void theDefaultTrustStoreRefusesTheSelfSignedTestCertificate() throws Exception {
        SSLContext server = Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"));

        assertThatThrownBy(() -> roundTrip(server, Tls.clientDefault(), true))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("certification path");
    }

    // ---------------------------------------------------------------------------------- helpers

    /** One byte each way between a JDK server and a JDK client for "localhost"; returns the protocol. */
    private static String roundTrip(SSLContext serverContext, SSLContext clientContext, boolean verifyHostname)
            throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            Future<?> server = threads.submit(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setSoTimeout(5_000);
                    int b = s.getInputStream().read();
                    s.getOutputStream().write(b + 1);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // the client reports the failure
                }
                return null;
            });
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket("localhost",
                    listener.getLocalPort())) {
                client.setSoTimeout(5_000);
                if (verifyHostname) {
                    SSLParameters params = client.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    client.setSSLParameters(params);
                }
                OutputStream out = client.getOutputStream();
                out.write(41);
                out.flush();
                InputStream in = client.getInputStream();
                assertThat(in.read()).isEqualTo(42);
                return client.getSession().getProtocol();
            } finally {
                server.get(5, TimeUnit.SECONDS);
            }
        }
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.US_ASCII);
    }

    private Path writeKey(String name, PrivateKey key) throws IOException {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return write(name, "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n");
    }

    private static Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Path resources() {
        try {
            return Path.of(TlsTest.class.getResource("/tls/cert.pem").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
