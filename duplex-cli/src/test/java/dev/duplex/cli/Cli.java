package dev.duplex.cli;

import dev.duplex.WebSocketServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the duplex program in this JVM over captured streams. */
final class Cli {
    private Cli() {
    }

    /** What a finished run left: its exit status and what it printed. */
    record Result(int exit, String out, String err) {}

    /** Runs {@code args} with {@code stdin} piped in (not a terminal). */
    static Result run(String stdin, String... args) {
        return run(false, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    static Result run(boolean interactive, InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Env env = new Env(in, print(out), print(err), interactive, new NoLifecycle());
        int exit = Main.commandLine(env).execute(args);
        return new Result(exit, text(out), text(err));
    }

    static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** A program that is never interrupted, and whose servers stop at once. */
    static final class NoLifecycle implements Env.Lifecycle {
        @Override
        public void serve(WebSocketServer server, Runnable stop) {
            stop.run();
        }

        @Override
        public void onInterrupt(Runnable action) {
        }
    }

    /** {@code duplex serve ...} running on its own thread until {@link #stop()}. */
    static final class Serve implements AutoCloseable {
        final CompletableFuture<WebSocketServer> started = new CompletableFuture<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final CompletableFuture<java.net.InetSocketAddress> metrics = new CompletableFuture<>();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CountDownLatch stopRequested = new CountDownLatch(1);

        static Serve start(String... args) throws Exception {
            Serve s = new Serve();
            Env env = new Env(InputStream.nullInputStream(), print(s.out), print(s.err), false, new Env.Lifecycle() {
                @Override
                public void serve(WebSocketServer server, Runnable stop) throws InterruptedException {
                    s.started.complete(server);
                    s.stopRequested.await();
                    stop.run();
                }

                @Override
                public void onInterrupt(Runnable action) {
                }

                @Override
                public void metricsAt(java.net.InetSocketAddress address) {
                    s.metrics.complete(address);
                }
            });
            Thread t = new Thread(() -> {
                try {
                    s.exit.complete(Main.commandLine(env).execute(args));
                } catch (Throwable e) {
                    s.exit.completeExceptionally(e);
                }
            }, "serve-under-test");
            t.setDaemon(true);
            t.start();
            CompletableFuture.anyOf(s.started, s.exit).get(15, TimeUnit.SECONDS);
            if (!s.started.isDone()) {
                throw new AssertionError("serve ended with " + s.exit.join() + " before listening: " + text(s.err));
            }
            return s;
        }

        WebSocketServer server() {
            return started.join();
        }

        int port() {
            return server().port();
        }

        /** The port of {@code --metrics-port} (given as 0, say): where serve serves metrics. */
        int metricsPort() {
            return metrics.getNow(null).getPort();
        }

        /** Stops as Ctrl-C would; returns the exit status. */
        int stop() throws ExecutionException, TimeoutException {
            stopRequested.countDown();
            try {
                return exit.get(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while serve stopped", e);
            }
        }

        @Override
        public void close() throws ExecutionException, TimeoutException {
            if (!exit.isDone()) {
                stop();
            }
        }
    }
}
