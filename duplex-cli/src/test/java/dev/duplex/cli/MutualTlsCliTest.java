package dev.duplex.cli;

import static dev.duplex.cli.UsageTest.assertUsageError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code duplex serve --client-ca --require-client-cert} and {@code duplex connect --cert --key}.
 * The certificates are duplex-runtime's test files (a client CA, a client "alice" it issued, a
 * stranger from another CA; its README says how they were made): keytool cannot issue a
 * certificate from a CA as readily as openssl did once.
 */
@Timeout(60)
class MutualTlsCliTest {
    static final Path TLS = Path.of("../duplex-runtime/src/test/resources/tls").toAbsolutePath().normalize();
    static final String CERT = TLS.resolve("cert.pem").toString();
    static final String KEY = TLS.resolve("key.pem").toString();
    static final String CLIENT_CA = TLS.resolve("client-ca-cert.pem").toString();
    static final String CLIENT_CERT = TLS.resolve("client-cert.pem").toString();
    static final String CLIENT_KEY = TLS.resolve("client-key.pem").toString();

    Cli.Serve serve;

    @BeforeEach
    void start() throws Exception {
        serve = Cli.Serve.start("serve", "--port", "0", "--tls-cert", CERT, "--tls-key", KEY,
                "--client-ca", CLIENT_CA, "--require-client-cert");
    }

    @AfterEach
    void stop() throws Exception {
        assertThat(serve.stop()).isZero();
    }

    String url() {
        return "wss://127.0.0.1:" + serve.port() + "/echo";
    }

    @Test
    void connectWithACertificateFromTheClientCaIsEchoed() {
        Cli.Result r = Cli.run("hello over mutual tls\n", "connect", "--wait", "200ms", "--ca-cert", CERT,
                "--cert", CLIENT_CERT, "--key", CLIENT_KEY, url());

        assertThat(r.err()).contains("Connected to " + url()).contains("Connection closed: 1000");
        assertThat(r.out()).isEqualTo("hello over mutual tls\n");
        assertThat(r.exit()).isZero();
    }

    @Test
    void connectWithoutACertificateFailsSayingWhatToGive() {
        Cli.Result r = Cli.run("never sent\n", "connect", "--wait", "0", "--ca-cert", CERT, url());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("could not connect to " + url())
                .contains("The server wants a client certificate")
                .contains("--cert FILE --key FILE");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void connectWithACertificateFromAnotherCaFails() {
        Cli.Result r = Cli.run("never sent\n", "connect", "--wait", "0", "--ca-cert", CERT,
                "--cert", TLS.resolve("stranger-cert.pem").toString(), "--key", TLS.resolve("stranger-key.pem").toString(),
                url());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("could not connect to " + url()).contains("--cert FILE --key FILE");
    }

    @Test
    void misusedOptionsAreUsageErrors() {
        assertUsageError(Cli.run("", "serve", "--client-ca", CLIENT_CA), "--client-ca needs --tls-cert and --tls-key");
        assertUsageError(Cli.run("", "serve", "--require-client-cert"), "--client-ca");
        assertUsageError(Cli.run("", "serve", "--tls-cert", CERT, "--tls-key", KEY, "--client-ca", "no-such-ca.pem"),
                "--client-ca no-such-ca.pem: no such file");
        assertUsageError(Cli.run("", "serve", "--tls-cert", CERT, "--tls-key", KEY, "--client-ca", KEY),
                "and --client-ca " + KEY, "no certificate found");
        assertUsageError(Cli.run("", "connect", "--cert", CLIENT_CERT, "--key", CLIENT_KEY, "ws://127.0.0.1:1/"),
                "--cert is for wss://");
        assertUsageError(Cli.run("", "connect", "--cert", CLIENT_CERT, "wss://127.0.0.1:1/"), "--cert needs --key");
        assertUsageError(Cli.run("", "connect", "--key", CLIENT_KEY, "wss://127.0.0.1:1/"), "--key needs --cert");
        assertUsageError(Cli.run("", "connect", "--cert", "no-such.pem", "--key", CLIENT_KEY, "wss://127.0.0.1:1/"),
                "--cert no-such.pem: no such file");
        assertUsageError(Cli.run("", "connect", "--cert", CLIENT_CERT, "--key", TLS.resolve("stranger-key.pem").toString(),
                "wss://127.0.0.1:1/"),
                "cannot use --cert", "does not belong to the certificate");
    }

    @Test
    void helpNamesTheOptions() {
        assertThat(Cli.run("", "serve", "--help").out()).contains("--client-ca=FILE", "--require-client-cert",
                "Client certificates (mutual TLS");
        assertThat(Cli.run("", "connect", "--help").out()).contains("--cert=FILE", "--key=FILE", "mutual TLS");
    }
}
