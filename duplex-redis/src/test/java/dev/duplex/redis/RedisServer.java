package dev.duplex.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.Jedis;

/**
 * A real {@code redis-server} of a test's own, on a free loopback port, persisting nothing.
 * Skips the calling test when redis-server is not installed, unless DUPLEX_REQUIRE_PEERS=1 (CI),
 * when it fails; {@code .ci/install-peers} installs it.
 */
final class RedisServer implements AutoCloseable {
    private final Path executable;
    private final int port;
    private Process process;

    private RedisServer(Path executable, int port) {
        this.executable = executable;
        this.port = port;
    }

    /** Starts a server on a free port, or skips (fails on CI) when redis-server is missing. */
    static RedisServer start() {
        RedisServer r = notStarted();
        r.startProcess();
        return r;
    }

    /** A server with a free port of its own that {@link #restart()} starts later. */
    static RedisServer notStarted() {
        Path exe = find();
        if (exe == null) {
            String message = "redis-server is not installed (not on PATH); .ci/install-peers installs it "
                    + "(apt-get install redis-server).";
            if ("1".equals(System.getenv("DUPLEX_REQUIRE_PEERS"))) {
                fail(message + " DUPLEX_REQUIRE_PEERS=1 is set, so this is a failure, not a skip.");
            }
            Assumptions.abort(message + " Skipping (set DUPLEX_REQUIRE_PEERS=1 to make this fail).");
        }
        return new RedisServer(exe, freePort());
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Kills the server at once (SIGKILL): its clients see their connections reset. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("redis-server on port " + port + " did not die in 10 s");
        }
    }

    /** Stops the process (SIGSTOP): connections stay open, nothing is answered, until {@link #resume()}. */
    void suspend() throws Exception {
        signal("-STOP");
    }

    void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** Starts the server (again) on its port. */
    void restart() {
        startProcess();
    }

    /** A plain connection to this server, for commands the tests send themselves. */
    Jedis client() {
        return new Jedis("127.0.0.1", port);
    }

    @Override
    public void close() {
        if (isRunning()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startProcess() {
        ProcessBuilder pb = new ProcessBuilder(executable.toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "notice")
                .redirectErrorStream(true);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        // Ready when it says so; its output is read to the end so that it never blocks on a full pipe.
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Process p = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("redis-server exited"));
        }, "redis-server-" + port + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            synchronized (output) {
                throw new AssertionError("redis-server on port " + port + " did not start: " + output, e);
            }
        }
    }

    private static Path find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
