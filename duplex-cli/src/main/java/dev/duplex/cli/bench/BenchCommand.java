package dev.duplex.cli.bench;

import dev.duplex.cli.Env;
import dev.duplex.cli.Sizes;
import dev.duplex.cli.Waits;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code duplex bench}: a load generator for any WebSocket server. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = dev.duplex.cli.Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Load a WebSocket server and measure it: throughput, latency, memory per connection.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
            "Scenarios (each warms up, runs for --duration, then stops by itself):",
            "  echo       C connections, each with W messages of S bytes in flight: round trips/s",
            "  latency    a fixed total rate over C connections: p50/p99/p99.9/max round trip,",
            "             measured from each message's intended send time (no coordinated omission)",
            "  large      4 connections echoing 1 MiB binary messages: MB/s",
            "  idle       open N connections and hold them: connect rate; with --server-pid, the",
            "             server's RSS and heap per connection",
            "  broadcast  K subscribers on a broadcast route, one publisher (?role=pub):",
            "             deliveries/s and delivery latency",
            "  all        every one of them, in that order",
            "",
            "URL is the server's echo route (ws://host:port/echo, or wss:// for TLS). A URL",
            "without a path gets /echo, and /broadcast for broadcast (or --broadcast-url).",
            "The server must echo text as text and binary as binary; a broadcast server",
            "sends every message a publisher (?role=pub) sends to every other connection.",
            "",
            "wss:// runs every scenario over TLS 1.3 or 1.2 (one handshake per connection,",
            "not measured by echo, latency, large and broadcast; part of idle's connect",
            "rate). The server's certificate must be trusted by the JDK's trust store and",
            "name the URL's host; for a self-signed server pass --trust-cert FILE, or",
            "--insecure to check nothing.",
            "",
            "With --server-pid, the server's CPU seconds are read from /proc/PID/stat around",
            "each measurement and figures per server CPU-second are shown. The generator's",
            "own CPU is always shown (/proc/self/stat).",
            "",
            "Exit status: 0 when every scenario ran, 1 when one could not (connections",
            "refused or lost), 2 usage error."
        },
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex bench echo ws://127.0.0.1:8080/echo",
            "  duplex bench echo --trust-cert cert.pem wss://localhost:8443/echo",
            "  duplex bench latency --rate 50000 -c 100 ws://127.0.0.1:8080/echo",
            "  duplex bench all --duration 10s --server-pid $(pgrep -f 'duplex serve') ws://127.0.0.1:8080",
            "  duplex bench idle -n 20000 --server-pid 1234 ws://127.0.0.1:8080/echo",
            "  duplex bench all --json --report bench.html ws://127.0.0.1:8080 > bench.json"
        })
public final class BenchCommand implements Callable<Integer> {
    static final List<String> ALL = List.of("echo", "latency", "large", "broadcast", "idle");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO",
            description = "echo, latency, large, idle, broadcast, all, or several joined by commas.")
    String scenarios;

    @Parameters(index = "1", paramLabel = "URL", description = "ws:// or wss:// URL of the server's echo route.")
    String url;

    @Option(names = {"-c", "--connections"}, paramLabel = "C", defaultValue = "64",
            description = "Connections for echo and latency (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = {"-w", "--window"}, paramLabel = "W", defaultValue = "16",
            description = "echo: messages in flight per connection (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = {"-s", "--size"}, paramLabel = "SIZE", defaultValue = "32", converter = Sizes.class,
            description = "echo and latency: message size (default: ${DEFAULT-VALUE} bytes).")
    long size;

    @Option(names = "--binary", description = "echo, latency, broadcast: binary messages (default: text).")
    boolean binary;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "10s", converter = Waits.class,
            description = "Measured time of each scenario; idle: how long to hold (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "2s", converter = Waits.class,
            description = "Load before measuring, not counted (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = {"-r", "--rate"}, paramLabel = "MSG/S", defaultValue = "20000",
            description = "latency: total messages per second over all connections (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--large-size", paramLabel = "SIZE", defaultValue = "1MiB", converter = Sizes.class,
            description = "large: message size (default: ${DEFAULT-VALUE}).")
    long largeSize;

    @Option(names = "--large-connections", paramLabel = "N", defaultValue = "4",
            description = "large: connections (default: ${DEFAULT-VALUE}).")
    int largeConnections;

    @Option(names = "--large-window", paramLabel = "N", defaultValue = "2",
            description = "large: messages in flight per connection (default: ${DEFAULT-VALUE}).")
    int largeWindow;

    @Option(names = {"-n", "--idle-connections"}, paramLabel = "N", defaultValue = "10000",
            description = "idle: connections to open (default: ${DEFAULT-VALUE}); past 20,000 they come from "
                    + "127.0.0.1, 127.0.0.2, ... when the server is on loopback.")
    int idleConnections;

    @Option(names = "--connect-concurrency", paramLabel = "N", defaultValue = "200",
            description = "idle: handshakes in progress at once (default: ${DEFAULT-VALUE}).")
    int connectConcurrency;

    @Option(names = {"-k", "--subscribers"}, paramLabel = "K", defaultValue = "1000",
            description = "broadcast: subscribers (default: ${DEFAULT-VALUE}).")
    int subscribers;

    @Option(names = "--publish-rate", paramLabel = "MSG/S", defaultValue = "0",
            description = "broadcast: publish at this fixed rate; 0 (default) publishes as fast as "
                    + "--publish-window allows.")
    int publishRate;

    @Option(names = "--publish-window", paramLabel = "N", defaultValue = "16",
            description = "broadcast: messages not yet delivered to every subscriber, at most (default: ${DEFAULT-VALUE}).")
    int publishWindow;

    @Option(names = "--broadcast-size", paramLabel = "SIZE", defaultValue = "64", converter = Sizes.class,
            description = "broadcast: message size (default: ${DEFAULT-VALUE} bytes).")
    long broadcastSize;

    @Option(names = "--broadcast-url", paramLabel = "URL",
            description = "broadcast: the route (default: URL's host and port with /broadcast).")
    String broadcastUrl;

    @Option(names = "--trust-cert", paramLabel = "FILE",
            description = "wss://: trust the PEM certificate(s) in FILE (a self-signed server's, or a private "
                    + "CA's) instead of the JDK's trust store; the certificate must still name the host.")
    Path trustCert;

    @Option(names = "--insecure",
            description = "wss://: trust any certificate for any host (self-signed test servers only).")
    boolean insecure;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "Generator threads (selector loops) (default: the cores, at most 2).")
    Integer threads;

    @Option(names = {"-p", "--server-pid"}, paramLabel = "PID",
            description = "The server's process id (same machine): its CPU, RSS and heap are measured.")
    Integer serverPid;

    @Option(names = "--json", description = "Print the results as JSON on stdout instead of a table.")
    boolean json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write an HTML report with latency plots (one self-contained file).")
    Path report;

    @Option(names = "--progress", negatable = true,
            description = "Show a live progress line on stderr (default: when stderr is a terminal).")
    Boolean progress;

    private final Env env;

    public BenchCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        List<String> list = new ArrayList<>();
        for (String sc : scenarios.toLowerCase(Locale.ROOT).split(",")) {
            sc = sc.trim();
            if (sc.equals("all")) {
                list.addAll(ALL);
            } else if (ALL.contains(sc)) {
                list.add(sc);
            } else if (!sc.isEmpty()) {
                throw usage("unknown scenario '" + sc + "'; use echo, latency, large, idle, broadcast or all");
            }
        }
        if (list.isEmpty()) {
            throw usage("no scenario given; use echo, latency, large, idle, broadcast or all");
        }
        Bench.Settings s = new Bench.Settings();
        URI base = parse(url, "URL");
        boolean noPath = base.getRawPath() == null || base.getRawPath().isEmpty() || base.getRawPath().equals("/");
        s.url = noPath ? base.resolve("/echo") : base;
        s.broadcastUrl = broadcastUrl != null ? parse(broadcastUrl, "--broadcast-url") : base.resolve("/broadcast");
        s.tls = tls(Bench.isWss(s.url) || Bench.isWss(s.broadcastUrl));
        positive(connections, "--connections");
        positive(window, "--window");
        positive(rate, "--rate");
        positive(largeConnections, "--large-connections");
        positive(largeWindow, "--large-window");
        positive(idleConnections, "--idle-connections");
        positive(connectConcurrency, "--connect-concurrency");
        positive(subscribers, "--subscribers");
        positive(publishWindow, "--publish-window");
        if (duration == null || duration.isZero() || warmup == null) {
            throw usage("--duration must be a positive duration and --warmup a duration, like 10s and 2s");
        }
        s.connections = connections;
        s.window = window;
        s.size = (int) size;
        s.text = !binary;
        s.durationSeconds = duration.toMillis() / 1000.0;
        s.warmupSeconds = warmup.toMillis() / 1000.0;
        s.rate = rate;
        s.largeConnections = largeConnections;
        s.largeSize = (int) largeSize;
        s.largeWindow = largeWindow;
        s.idleConnections = idleConnections;
        s.connectConcurrency = connectConcurrency;
        s.subscribers = subscribers;
        s.publishRate = publishRate;
        s.publishWindow = publishWindow;
        s.broadcastSize = (int) broadcastSize;
        if (threads != null) {
            positive(threads, "--threads");
            s.threads = threads;
        }
        if (serverPid != null) {
            s.serverPid = Integer.toString(serverPid);
            if (!ProcStats.alive(s.serverPid)) {
                throw usage("--server-pid " + serverPid + ": no such process");
            }
        }
        s.progress = progress != null ? progress : System.console() != null;
        try {
            new RawClient.Payload(s.text, s.size);
        } catch (IllegalArgumentException e) {
            throw usage("--size: " + e.getMessage());
        }

        Map<String, Object> about = about(s);
        List<Result> results = new ArrayList<>();
        boolean failed = false;
        Bench bench = new Bench(s, env.err());
        for (String sc : list) {
            Result r;
            try {
                r = bench.run(sc);
            } catch (IllegalArgumentException e) {
                r = new Result(sc, s.url.toString());
                r.error = e.getMessage();
            }
            failed |= r.error != null;
            results.add(r);
            if (!json) {
                env.out().print(Report.table(List.of(r)));
                env.out().flush();
            }
        }
        if (json) {
            env.out().print(Report.json(results, about));
            env.out().flush();
        }
        if (report != null) {
            try {
                Files.writeString(report, Report.html(results, about), StandardCharsets.UTF_8);
            } catch (IOException e) {
                env.err().println("duplex: cannot write the report " + report + ": " + e.getMessage());
                return 1;
            }
            if (!json) {
                env.err().println("Report: " + report.toAbsolutePath());
            }
        }
        return failed ? 1 : 0;
    }

    private Map<String, Object> about(Bench.Settings s) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        a.put("url", s.url.toString());
        a.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        a.put("cores", Runtime.getRuntime().availableProcessors());
        a.put("generator_threads", s.threads);
        a.put("generator_client", "raw NIO (dev.duplex.cli.bench.RawClient), no compression"
                + (Bench.isWss(s.url) || Bench.isWss(s.broadcastUrl) ? ", TLS via SSLEngine" : ""));
        if (s.serverPid != null) {
            a.put("server_pid", s.serverPid);
        }
        return a;
    }

    private URI parse(String u, String what) {
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw usage(what + " '" + u + "' is not valid: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("ws") || scheme.equals("wss")) || uri.getHost() == null) {
            throw usage(what + " '" + u + "' is not a ws:// or wss:// URL; write it like ws://127.0.0.1:8080/echo"
                    + " or wss://localhost:8443/echo");
        }
        return uri;
    }

    /** The trust for wss:// from --trust-cert and --insecure (null: the JDK's trust store, made when used). */
    private TlsClient tls(boolean wss) {
        if (trustCert != null && insecure) {
            throw usage("--trust-cert and --insecure do not go together: --insecure trusts any certificate");
        }
        if (!wss) {
            if (trustCert != null || insecure) {
                throw usage((insecure ? "--insecure" : "--trust-cert") + " is for wss:// URLs; " + url
                        + " does not use TLS");
            }
            return null;
        }
        if (insecure) {
            env.err().println("duplex: warning: --insecure: the server's certificate and hostname are not checked;"
                    + " use it with test servers only");
            return TlsClient.insecure();
        }
        if (trustCert != null) {
            if (!Files.isRegularFile(trustCert)) {
                throw usage("--trust-cert " + trustCert + ": no such file");
            }
            try {
                return TlsClient.trusting(trustCert);
            } catch (IOException | RuntimeException e) {
                throw usage("--trust-cert " + trustCert + ": " + e.getMessage());
            }
        }
        return null;
    }

    private void positive(int v, String name) {
        if (v < 1) {
            throw usage(name + " must be at least 1, was " + v);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
