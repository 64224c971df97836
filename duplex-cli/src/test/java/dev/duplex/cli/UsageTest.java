package dev.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the program says, and the status it exits with, when it is used wrong (2) or asked for help (0). */
@Timeout(30)
class UsageTest {

    static Cli.Result run(String... args) {
        return Cli.run("", args);
    }

    static void assertUsageError(Cli.Result r, String... mentions) {
        assertThat(r.exit()).as("exit status of a usage error; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("duplex: ").contains(mentions).contains("--help' for usage and examples");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void helpShowsCommandsAndExamples() {
        Cli.Result r = run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("serve", "connect", "Examples:", "Exit status");
        Cli.Result serve = run("serve", "--help");
        assertThat(serve.out()).contains("--port", "--static", "--tls-cert", "--max-message", "Examples:", "/chat");
        Cli.Result connect = run("help", "connect");
        assertThat(connect.out()).contains("--echo", "--ca-cert", "--wait", "/close [CODE [REASON]]", "Examples:");
    }

    @Test
    void versionNamesTheProgramAndItsVersion() {
        Cli.Result r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("duplex 0.").doesNotContain("${").contains("Java ");
    }

    @Test
    void noCommandOrAnUnknownOne() {
        assertUsageError(run(), "missing a command");
        assertUsageError(run("serv"), "serv", "serve");
        assertUsageError(run("serve", "--prot", "80"), "--prot");
    }

    @Test
    void badServeOptions() {
        assertUsageError(run("serve", "--port", "http"), "--port", "http");
        assertUsageError(run("serve", "--port", "70000"), "--port must be from 0 to 65535");
        assertUsageError(run("serve", "--max-message", "12XB"), "--max-message", "unknown unit 'XB'");
        assertUsageError(run("serve", "--max-message", "lots"), "not a size");
        assertUsageError(run("serve", "--tls-cert", "cert.pem"), "--tls-key");
        assertUsageError(run("serve", "--tls-cert", "no-such-cert.pem", "--tls-key", "no-such-key.pem"),
                "--tls-cert no-such-cert.pem: no such file");
        assertUsageError(run("serve", "--static", "/no/such/dir"), "--static /no/such/dir: no such directory");
        assertUsageError(run("serve", "--event-loops", "0"), "--event-loops must be at least 1");
    }

    @Test
    void badConnectArguments() {
        assertUsageError(run("connect"), "URL");
        assertUsageError(run("connect", "http://127.0.0.1:8080/echo"), "did you mean ws://127.0.0.1:8080/echo");
        assertUsageError(run("connect", "127.0.0.1:8080/echo"), "no scheme", "ws://127.0.0.1:8080/echo");
        assertUsageError(run("connect", "ftp://x/"), "use ws:// or wss://");
        assertUsageError(run("connect", "-H", "no colon here", "ws://127.0.0.1:1/"), "'Name: value'");
        assertUsageError(run("connect", "--ca-cert", "ca.pem", "ws://127.0.0.1:1/"), "--ca-cert is for wss://");
        assertUsageError(run("connect", "--ca-cert", "no-such.pem", "wss://127.0.0.1:1/"), "no such file");
        assertUsageError(run("connect", "--wait", "soon", "ws://127.0.0.1:1/"), "not a duration");
        assertUsageError(run("connect", "ws://127.0.0.1:1/", "extra"), "extra");
    }
}
