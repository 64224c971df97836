package dev.duplex.cli;

import dev.duplex.ClientAuth;
import dev.duplex.Tls;
import dev.duplex.WebSocketServer;
import dev.duplex.cli.bench.BroadcastHandler;
import dev.duplex.redis.RedisBridge;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duplex serve}: an echo route, a chat room and its page, optionally static files and TLS. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Run a WebSocket server: an echo route, a chat room and a chat page.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
            "Routes:",
            "  ws://HOST:PORT/echo     sends every message back unchanged",
            "                          (text as text, binary as binary)",
            "  ws://HOST:PORT/chat     sends every message to everyone on /chat, the",
            "                          sender included, text under its sender's name",
            "                          (\"127.0.0.1:53412: hello\"); announces joins and",
            "                          leaves as \"* 127.0.0.1:53412 joined\"",
            "  ws://HOST:PORT/broadcast  every message is sent to every connection on",
            "                          /broadcast except those that joined with",
            "                          ?role=pub (publishers; for duplex bench)",
            "  http://HOST:PORT/       a chat page for browsers, connected to /chat",
            "  http://HOST:PORT/healthz  answers 200 \"ok\"",
            "",
            "With --static DIR, other paths are files from DIR. Browsers may connect only",
            "from pages of this server (same origin); programs that send no Origin header",
            "always may. Ctrl-C or SIGTERM stops gracefully: every connection is closed",
            "with 1001 Going Away (waiting 5 seconds at most)."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex serve                       # then open http://127.0.0.1:8080/",
            "  duplex serve --port 0              # a free port, shown at start",
            "  duplex serve --host 0.0.0.0 --static ./public",
            "  duplex serve --metrics-port 9464   # Prometheus scrapes http://127.0.0.1:9464/metrics",
            "  duplex serve --redis redis://127.0.0.1:6379   # chat across servers sharing it",
            "  duplex serve --port 8443 --tls-cert fullchain.pem --tls-key privkey.pem",
            "  duplex serve --port 8443 --tls-cert fullchain.pem --tls-key privkey.pem \\",
            "               --client-ca clients-ca.pem --require-client-cert   # mutual TLS"
        })
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("duplex");
    private static final Duration GRACE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "8080",
            description = "Port to listen on (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--static", paramLabel = "DIR",
            description = "Also serve the files under DIR over plain HTTP (the chat page stays at /).")
    Path staticDir;

    @ArgGroup(exclusive = false, heading = "%nTLS (wss:// and https://), both or neither:%n")
    TlsFiles tls;

    static final class TlsFiles {
        @Option(names = "--tls-cert", paramLabel = "FILE", required = true,
                description = "PEM certificate chain: the server's certificate first (fullchain.pem).")
        Path cert;

        @Option(names = "--tls-key", paramLabel = "FILE", required = true,
                description = "PEM private key of that certificate, unencrypted PKCS#8 (privkey.pem).")
        Path key;
    }

    @ArgGroup(exclusive = false, heading = "%nClient certificates (mutual TLS; needs --tls-cert and --tls-key):%n")
    ClientCerts clientCerts;

    static final class ClientCerts {
        @Option(names = "--client-ca", paramLabel = "FILE", required = true,
                description = "Ask wss:// clients for a certificate and accept those issued by the PEM "
                        + "CA certificate(s) in FILE (only those, not the system's authorities). "
                        + "Clients without one still connect unless --require-client-cert.")
        Path ca;

        @Option(names = "--require-client-cert",
                description = "Refuse, in the TLS handshake, clients that present no certificate from --client-ca.")
        boolean required;
    }

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "16MiB", converter = Sizes.class,
            description = "Largest message accepted; bigger ones close the connection with 1009. "
                    + "Like 1000, 512KiB, 16MiB (default: ${DEFAULT-VALUE}).")
    long maxMessage;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Also serve Prometheus metrics at http://HOST:PORT/metrics: connections, messages, "
                    + "bytes, close codes, topics, the JVM. A port of its own, so the WebSocket port never "
                    + "exposes them; 0 picks a free one.")
    Integer metricsPort;

    @Option(names = "--redis", paramLabel = "URI",
            description = "Share /chat and /broadcast with every other duplex serve using the Redis at URI "
                    + "(redis://HOST:PORT): a message sent to one server reaches the clients of all. "
                    + "Redis must answer at start; if it goes away later, each server goes on alone and "
                    + "reconnects.")
    URI redis;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Event loop threads (default: one per CPU core).")
    Integer eventLoops;

    private final Env env;

    ServeCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw usage("--port must be from 0 to 65535, was " + port);
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw usage("--metrics-port must be from 0 to 65535, was " + metricsPort);
        }
        if (eventLoops != null && eventLoops < 1) {
            throw usage("--event-loops must be at least 1, was " + eventLoops);
        }
        if (staticDir != null && !Files.isDirectory(staticDir)) {
            throw usage("--static " + staticDir + ": " + (Files.exists(staticDir) ? "not a directory" : "no such directory"));
        }
        ChatRoom chat = new ChatRoom();
        BroadcastHandler broadcast = new BroadcastHandler();
        WebSocketServer.Builder b = WebSocketServer.builder()
                .host(host)
                .port(port)
                .maxMessageSize(maxMessage)
                .route("/echo", new EchoHandler())
                .route("/chat", chat)
                .route("/broadcast", broadcast)
                .page("/", "text/html; charset=utf-8", page());
        if (eventLoops != null) {
            b.eventLoops(eventLoops);
        }
        if (staticDir != null) {
            b.staticFiles(staticDir);
        }
        if (clientCerts != null && tls == null) {
            throw usage("--client-ca needs --tls-cert and --tls-key: client certificates are part of TLS (wss://)");
        }
        if (tls != null) {
            b.tls(serverTls(tls, clientCerts));
        }
        if (clientCerts != null) {
            b.clientAuth(clientCerts.required ? ClientAuth.REQUIRED : ClientAuth.OPTIONAL);
        }
        RedisBridge bridge = null;
        if (redis != null) {
            try {
                bridge = RedisBridge.connect(redis);
            } catch (IllegalArgumentException e) {
                throw usage("--redis " + e.getMessage());
            } catch (IllegalStateException e) {
                env.err().println("duplex: " + e.getMessage());
                env.err().flush();
                return 1;
            }
            try {
                // Once serve says it listens, other servers' messages arrive: wait for Redis to confirm.
                CompletableFuture.allOf(bridge.attach(chat.topic()), bridge.attach(broadcast.topic()))
                        .get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.warn("Redis has not confirmed the subscriptions to /chat and /broadcast in 5 s; "
                        + "messages from other servers may start a little later");
            }
        }
        WebSocketServer server;
        try {
            server = b.build().start();
        } catch (UncheckedIOException e) {
            if (bridge != null) {
                bridge.close();
            }
            String cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
            env.err().println("duplex: cannot listen on " + host + ":" + port + ": " + cause
                    + ". Is another program using the port? Pick another with --port, or --port 0 for a free one.");
            env.err().flush();
            return 1;
        }
        MetricsEndpoint metrics = null;
        if (metricsPort != null) {
            try {
                metrics = MetricsEndpoint.start(host, metricsPort, server, List.of(chat.topic(), broadcast.topic()),
                        bridge);
            } catch (IOException | RuntimeException e) {
                server.stop(Duration.ZERO);
                if (bridge != null) {
                    bridge.close();
                }
                env.err().println("duplex: cannot serve metrics on " + host + ":" + metricsPort + ": " + e.getMessage()
                        + ". Pick another port with --metrics-port, or 0 for a free one.");
                env.err().flush();
                return 1;
            }
        }
        String url = (tls != null ? "wss" : "ws") + "://" + format(server.address());
        log.info("Duplex listening on {} (echo: /echo, chat: /chat, page: /{}){}", url,
                staticDir != null ? ", static files: " + staticDir : "",
                clientCerts == null ? "" : clientCerts.required ? "; client certificates required"
                        : "; client certificates requested");
        if (metrics != null) {
            log.info("Metrics for Prometheus at http://{}/metrics", format(metrics.address()));
            env.lifecycle().metricsAt(metrics.address());
        }
        if (bridge != null) {
            log.info("Sharing /chat and /broadcast through {}", bridge);
        }
        MetricsEndpoint endpoint = metrics;
        RedisBridge shared = bridge;
        env.lifecycle().serve(server, () -> {
            int open = server.connections().size();
            server.stop(GRACE);
            if (endpoint != null) {
                endpoint.close();
            }
            if (shared != null) {
                shared.close();
            }
            log.info("Duplex stopped on {} ({} connection{} closed with 1001 Going Away)", url, open, open == 1 ? "" : "s");
        });
        return 0;
    }

    private SSLContext serverTls(TlsFiles files, ClientCerts clients) {
        for (Path p : new Path[] {files.cert, files.key}) {
            if (!Files.isRegularFile(p)) {
                throw usage((p == files.cert ? "--tls-cert " : "--tls-key ") + p + ": no such file");
            }
        }
        if (clients != null && !Files.isRegularFile(clients.ca)) {
            throw usage("--client-ca " + clients.ca + ": no such file");
        }
        try {
            return clients == null ? Tls.serverFromPem(files.cert, files.key)
                    : Tls.serverFromPem(files.cert, files.key, clients.ca);
        } catch (IOException | RuntimeException e) {
            throw usage("cannot use --tls-cert " + files.cert + " with --tls-key " + files.key
                    + (clients == null ? "" : " and --client-ca " + clients.ca) + ": " + e.getMessage());
        }
    }

    /** The chat page, from the jar. */
    static byte[] page() {
        try (InputStream in = ServeCommand.class.getResourceAsStream("chat.html")) {
            if (in == null) {
                throw new IllegalStateException("chat.html is missing from the program's resources; rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String format(InetSocketAddress a) {
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
