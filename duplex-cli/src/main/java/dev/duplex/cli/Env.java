package dev.duplex.cli;

import dev.duplex.WebSocketServer;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * What a command reads from and writes to, and how the process lives and stops: the real
 * terminal and JVM for the program, redirected streams and a controllable lifecycle for tests.
 */
public final class Env {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private final Lifecycle lifecycle;

    public Env(InputStream in, PrintStream out, PrintStream err, boolean interactive, Lifecycle lifecycle) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.interactive = interactive;
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
    }

    /** The process's own streams; interactive when stdin and stdout are a terminal; JVM shutdown hooks. */
    public static Env system() {
        return new Env(System.in, System.out, System.err, System.console() != null, Lifecycle.jvm());
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** Whether a person is typing (stdin is a terminal) rather than a pipe or a file. */
    public boolean interactive() {
        return interactive;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /** How the process lives: when a server stops, what happens on Ctrl-C. */
    public interface Lifecycle {

        /**
         * Called by {@code serve} once the server listens. Blocks for as long as the server should
         * run and makes sure {@code stop} runs once it should stop (it logs the stop line and
         * closes every connection with 1001). Returns once it has run, or never.
         */
        void serve(WebSocketServer server, Runnable stop) throws InterruptedException;

        /** Registers {@code action} to run if the process is asked to stop (Ctrl-C, SIGTERM). */
        void onInterrupt(Runnable action);

        /** Told where {@code serve --metrics-port} serves metrics, before {@link #serve}; the port 0 chose. */
        default void metricsAt(java.net.InetSocketAddress address) {}

        /** The real process: a shutdown hook stops the server; the calling thread waits for it. */
        static Lifecycle jvm() {
            return new Lifecycle() {
                @Override
                public void serve(WebSocketServer server, Runnable stop) throws InterruptedException {
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        try {
                            stop.run();
                        } finally {
                            stopped.countDown();
                        }
                    }, "duplex-shutdown"));
                    stopped.await();
                }

                @Override
                public void onInterrupt(Runnable action) {
                    Runtime.getRuntime().addShutdownHook(new Thread(action, "duplex-shutdown"));
                }
            };
        }
    }
}
