package dev.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code duplex serve --redis}: two servers sharing one redis-server chat together. */
class RedisServeTest {
    private static Process redis;
    private static int redisPort;

    @BeforeAll
    static void startRedis() throws Exception {
        Path exe = null;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "redis-server"))) {
                exe = Path.of(dir, "redis-server");
                break;
            }
        }
        if (exe == null) {
            String message = "redis-server is not installed; .ci/install-peers installs it.";
            if ("1".equals(System.getenv("DUPLEX_REQUIRE_PEERS"))) {
                fail(message + " DUPLEX_REQUIRE_PEERS=1 is set, so this is a failure, not a skip.");
            }
            Assumptions.abort(message + " Skipping (set DUPLEX_REQUIRE_PEERS=1 to make this fail).");
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            redisPort = s.getLocalPort();
        }
        redis = new ProcessBuilder(exe.toString(), "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        // Ready once it accepts connections; bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                new Socket(InetAddress.getLoopbackAddress(), redisPort).close();
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new AssertionError("redis-server did not start on port " + redisPort, notYet);
                }
                Thread.sleep(20);
            }
        }
    }

    @AfterAll
    static void stopRedis() throws InterruptedException {
        if (redis != null) {
            redis.destroyForcibly();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoServersOnOneRedisChatTogether() throws Exception {
        String uri = "redis://127.0.0.1:" + redisPort;
        try (Cli.Serve one = Cli.Serve.start("serve", "--port", "0", "--redis", uri, "--metrics-port", "0");
             Cli.Serve two = Cli.Serve.start("serve", "--port", "0", "--redis", uri)) {
            Inbox alice = new Inbox();
            WebSocket a = open(one, alice);
            String aliceName = "127.0.0.1:" + a.localAddress().getPort();
            assertThat(alice.next()).isEqualTo("* " + aliceName + " joined");

            Inbox bob = new Inbox();
            WebSocket b = open(two, bob);
            String bobName = "127.0.0.1:" + b.localAddress().getPort();
            assertThat(bob.next()).isEqualTo("* " + bobName + " joined");
            assertThat(alice.next()).as("bob's join, through Redis").isEqualTo("* " + bobName + " joined");

            a.sendText("hello from server one");
            assertThat(alice.next()).isEqualTo(aliceName + ": hello from server one");
            assertThat(bob.next()).isEqualTo(aliceName + ": hello from server one");
            b.sendBinary(new byte[] {1, 2, 3});
            assertThat(bob.next()).isEqualTo(new byte[] {1, 2, 3});
            assertThat(alice.next()).isEqualTo(new byte[] {1, 2, 3});

            // Server one published alice's join and line, and received bob's join and binary.
            int metricsPort = one.metricsPort();
            // A publish is counted once Redis has answered it, which may be just after bob got it.
            String published = "duplex_redis_messages_total{direction=\"published\"} 2.0";
            String scrape = "";
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    !scrape.contains(published) && System.nanoTime() < end; Thread.sleep(20)) {
                scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(scrape).contains("duplex_redis_connected 1.0")
                    .contains("duplex_redis_messages_total{direction=\"published\"} 2.0")
                    .contains("duplex_redis_messages_total{direction=\"received\"} 2.0")
                    .contains("duplex_redis_dropped_total{reason=\"queue-full\"} 0.0")
                    .contains("duplex_redis_outages_total 0.0");

            assertThat(one.stop()).isZero();
            assertThat(two.stop()).isZero();
        }
    }

    @Test
    void anUnreachableRedisIsAClearErrorAtStart() throws Exception {
        int nothing;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothing = s.getLocalPort();
        }
        Cli.Result r = Cli.run("", "serve", "--port", "0", "--redis", "redis://127.0.0.1:" + nothing);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach Redis at redis://127.0.0.1:" + nothing)
                .contains("Is redis-server running there?");
    }

    private static WebSocket open(Cli.Serve serve, Inbox inbox) throws Exception {
        return WebSocketClient.connect(URI.create("ws://127.0.0.1:" + serve.port() + "/chat"), inbox)
                .get(10, TimeUnit.SECONDS);
    }
}
