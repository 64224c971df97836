package dev.duplex.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import dev.duplex.cli.Env;
import dev.duplex.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code duplex bench} against an in-process server: every scenario runs, stops by itself and reports. */
class BenchCommandTest {
    static WebSocketServer server;
    static String url;

    /** A server with the routes the bench scenarios use: /echo (a copying echo) and /broadcast. */
    static WebSocketServer.Builder benchServer() {
        return WebSocketServer.builder().host("127.0.0.1").port(0)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ByteBuffer c = ByteBuffer.allocate(data.remaining());
                        c.put(data.duplicate()).flip();
                        ws.sendBinary(c);
                    }
                })
                .route("/broadcast", new BroadcastHandler());
    }

    @BeforeAll
    static void start() {
        server = benchServer().build().start();
        url = "ws://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int exit, String out, String err) {}

    static Run bench(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, new Env.Lifecycle() {
                    @Override
                    public void serve(WebSocketServer s, Runnable stop) {
                        stop.run();
                    }

                    @Override
                    public void onInterrupt(Runnable action) {}
                });
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int exit = Main.commandLine(env).execute(all);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyScenarioRunsAndReports(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        Run r = bench("all", url, "--duration", "1s", "--warmup", "200ms", "-c", "4", "-r", "2000",
                "--large-size", "64KiB", "-k", "20", "-n", "50", "--json", "--report", html.toString(),
                "--server-pid", Long.toString(ProcessHandle.current().pid()));
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("\"scenario\":\"echo\"", "\"scenario\":\"latency\"", "\"scenario\":\"large\"",
                "\"scenario\":\"broadcast\"", "\"scenario\":\"idle\"", "\"round_trips_per_s\"",
                "\"round_trips_per_server_cpu_s\"", "\"rtt_p999_ms\"", "\"deliveries_per_s\"", "\"connect_per_s\"")
                .doesNotContain("\"error\":\"");
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg", "latency (ms) by percentile")
                .doesNotContain("<script", "http://cdn", "https://");
    }

    @Test
    void tableByDefault() {
        Run r = bench("echo", url + "/echo", "--duration", "500ms", "--warmup", "0", "-c", "2", "-w", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("round trips", "msg/s", "round trip p99.9", "generator CPU");
    }

    @Test
    void refusedConnectionsFailWithStatus1() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = bench("echo", "ws://127.0.0.1:" + port, "--duration", "500ms", "-c", "2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED: could not open");
    }

    @Test
    void usageErrors() {
        assertThat(bench("nope", url).exit()).isEqualTo(Main.USAGE);
        assertThat(bench("echo", "http://127.0.0.1:1/echo").exit()).isEqualTo(Main.USAGE);
        assertThat(bench("echo", url, "-c", "0").exit()).isEqualTo(Main.USAGE);
        assertThat(bench("echo", url, "--size", "4").exit()).isEqualTo(Main.USAGE);
    }
}
