package dev.duplex.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.Tls;
import dev.duplex.WebSocketServer;
import dev.duplex.cli.Main;
import dev.duplex.cli.TestCertificates;
import dev.duplex.cli.bench.BenchCommandTest.Run;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scenarios over wss://: a Duplex server with a self-signed certificate for 127.0.0.1. */
@Timeout(120)
class WssBenchTest {
    @TempDir
    static Path dir;
    static Path cert;
    static WebSocketServer server;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Pem pem = TestCertificates.selfSigned(dir);
        cert = pem.cert();
        server = BenchCommandTest.benchServer().tls(Tls.serverFromPem(cert, pem.key())).build().start();
        url = "wss://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Bench.Settings settings() throws Exception {
        Bench.Settings s = new Bench.Settings();
        s.url = URI.create(url + "/echo");
        s.broadcastUrl = URI.create(url + "/broadcast");
        s.tls = TlsClient.trusting(cert);
        s.durationSeconds = 1;
        s.warmupSeconds = 0.2;
        s.connections = 4;
        return s;
    }

    @Test
    void echoOverWssTrustingTheServersCertificate() throws Exception {
        Result r = new Bench(settings(), null).run("echo");
        assertThat(r.error).isNull();
        assertThat(r.notes).noneMatch(n -> n.contains("closed"));
        assertThat(r.get("round_trips_per_s")).isGreaterThan(0);
        assertThat(r.histograms.get("rtt").getTotalCount()).isGreaterThan(0);
        assertThat(r.get("rtt_p99_ms")).isGreaterThan(0);
        assertThat(r.parameters).containsEntry("scheme", "wss").containsEntry("tls_trust", cert.toString());
    }

    @Test
    void largeMessagesOverWss() throws Exception {
        Bench.Settings s = settings();
        s.largeSize = 256 << 10; // records split and joined across reads
        s.largeConnections = 2;
        Result r = new Bench(s, null).run("large");
        assertThat(r.error).isNull();
        assertThat(r.get("messages_per_s")).isGreaterThan(0);
    }

    @Test
    void idleAndBroadcastOverWss() throws Exception {
        Bench.Settings s = settings();
        s.idleConnections = 200;
        s.subscribers = 20;
        s.durationSeconds = 0.5;
        Result idle = new Bench(s, null).run("idle");
        assertThat(idle.error).isNull();
        assertThat(idle.get("connections_open")).isEqualTo(200);
        Result broadcast = new Bench(s, null).run("broadcast");
        assertThat(broadcast.error).isNull();
        assertThat(broadcast.get("deliveries_per_s")).isGreaterThan(0);
    }

    @Test
    void theCommandLineTakesTrustCert() {
        Run r = BenchCommandTest.bench("echo,latency", url, "--trust-cert", cert.toString(), "--duration", "500ms",
                "--warmup", "0", "-c", "2", "-r", "1000", "--json");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("\"scheme\":\"wss\"", "\"round_trips_per_s\"").doesNotContain("\"error\":\"");
    }

    @Test
    void anUntrustedCertificateFailsNamingTheFix() {
        Run r = BenchCommandTest.bench("echo", url, "--duration", "500ms", "--warmup", "0", "-c", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED", "not trusted", "--trust-cert", "--insecure");
    }

    @Test
    void insecureTrustsAnyCertificateWithAWarning() {
        Run r = BenchCommandTest.bench("echo", url, "--insecure", "--duration", "500ms", "--warmup", "0", "-c", "2");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.err()).contains("warning: --insecure");
        assertThat(r.out()).contains("round trips");
    }

    @Test
    void trustOptionsAreUsageErrorsWhereTheyCannotApply() {
        assertThat(BenchCommandTest.bench("echo", "ws://127.0.0.1:1", "--insecure").exit()).isEqualTo(Main.USAGE);
        assertThat(BenchCommandTest.bench("echo", url, "--insecure", "--trust-cert", cert.toString()).exit())
                .isEqualTo(Main.USAGE);
        Run missing = BenchCommandTest.bench("echo", url, "--trust-cert", dir.resolve("nope.pem").toString());
        assertThat(missing.exit()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("no such file");
    }
}
