package dev.duplex.cli;

import dev.duplex.ClientOptions;
import dev.duplex.Tls;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import dev.duplex.WebSocketHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code duplex connect}: a WebSocket client for the terminal and for scripts, like wscat. */
@Command(name = "connect",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        header = "Open a WebSocket to URL: send the lines you type or pipe in, print what arrives.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
            "Each line read is sent as one text message. Each message received is printed",
            "on stdout, one per line: text as it is, binary as <binary N bytes: hex…>.",
            "In a terminal, received messages start with '< '. Status (connected, pongs,",
            "how the connection closed) goes to stderr.",
            "",
            "Commands, typed on a line of their own ('//x' sends the text '/x'):",
            "  /ping [TEXT]            send a ping; its pong is shown on stderr",
            "  /close [CODE [REASON]]  close with CODE (default 1000) and REASON",
            "  /binary HEX             send a binary message: /binary 48656c6c6f",
            "  /quit                   close with 1000 and exit",
            "  /help                   list these commands",
            "",
            "When input ends (a pipe or file ends, or Ctrl-D), duplex waits until every",
            "line has been sent and nothing has arrived for --wait, then closes with",
            "1000 Normal Closure. With --echo, the end of input does not close: the",
            "connection stays open until the server closes it (or /close, /quit, Ctrl-C).",
            "",
            "Exit status: 0 when the connection closed with 1000 Normal Closure or",
            "1001 Going Away, whichever side started the close; 1 when it closed with",
            "another code or could not be opened (refused, TLS, a handshake answered",
            "with 404 or 403...); 2 for a usage error."
        },
        parameterListHeading = "%nArguments:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  duplex connect ws://127.0.0.1:8080/echo",
            "  echo hello | duplex connect ws://127.0.0.1:8080/echo      # prints hello",
            "  duplex connect --wait 5s ws://127.0.0.1:8080/chat < lines.txt",
            "  duplex connect -H 'Authorization: Bearer abc' -s chat.v2 wss://example.com/ws",
            "  duplex connect --ca-cert cert.pem wss://localhost:8443/echo  # self-signed",
            "  duplex connect --cert me.pem --key me.key wss://example.com/ws  # mutual TLS",
            "  duplex connect --echo 'ws://127.0.0.1:9001/runCase?case=1&agent=duplex'"
        })
final class ConnectCommand implements Callable<Integer> {
    /** How much of a binary message is shown, in bytes. */
    static final int HEX_PREFIX = 32;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "ws:// or wss:// URL to connect to.")
    String url;

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Extra request header, like -H 'Authorization: Bearer abc'; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-s", "--subprotocol"}, paramLabel = "NAME",
            description = "Subprotocol to offer, most preferred first; repeatable.")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--echo",
            description = "Send every message received back unchanged (text as text, binary as binary), "
                    + "as conformance fuzzing servers expect of a client.")
    boolean echo;

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "For wss://: trust the PEM certificate(s) in FILE (a self-signed server, a private CA) "
                    + "instead of the system's authorities. The certificate must still name the host.")
    Path caCert;

    @Option(names = "--cert", paramLabel = "FILE",
            description = "For wss://: present the PEM client certificate in FILE (then any intermediates) "
                    + "to a server that asks for one (mutual TLS). Needs --key.")
    Path clientCert;

    @Option(names = "--key", paramLabel = "FILE",
            description = "The unencrypted PKCS#8 private key of --cert (-----BEGIN PRIVATE KEY-----).")
    Path clientKey;

    @Option(names = "--max-message", paramLabel = "SIZE", defaultValue = "16MiB", converter = Sizes.class,
            description = "Largest message accepted from the server; bigger ones close the connection "
                    + "with 1009. Like 1000, 512KiB, 16MiB (default: ${DEFAULT-VALUE}).")
    long maxMessage;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "1s", converter = Waits.class,
            description = "When input ends, close once nothing has arrived for this long: 500ms, 2s, 0 "
                    + "(close at once), forever (wait for the server to close) (default: ${DEFAULT-VALUE}).")
    Duration quiet;

    @Option(names = "--no-commands",
            description = "Send every line as text, even lines starting with '/'.")
    boolean noCommands;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Waits.class,
            description = "Give up opening the connection (TCP, TLS and handshake each) after this long "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    private final Env env;

    ConnectCommand(Env env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        URI uri = target();
        ClientOptions options = options(uri);
        PrintStream err = env.err();
        Connection connection = new Connection();
        try (WebSocketClient client = WebSocketClient.create(1)) {
            WebSocket ws;
            try {
                ws = client.open(uri, connection, options).get();
            } catch (ExecutionException e) {
                err.println("duplex: could not connect to " + uri + ": " + Main.describe(e) + hint(Main.describe(e)));
                err.flush();
                return 1;
            } catch (IllegalArgumentException e) {
                throw usage("URL " + url + ": " + e.getMessage());
            }
            status("Connected to " + uri + (ws.subprotocol() != null ? " (subprotocol " + ws.subprotocol() + ")" : "")
                    + (env.interactive() ? ". Type a message and Enter to send it; /help lists commands." : ""));
            env.lifecycle().onInterrupt(() -> {
                if (ws.isOpen()) {
                    ws.close(1001, "client interrupted");
                    try {
                        connection.closed.get(2, TimeUnit.SECONDS);
                    } catch (InterruptedException | ExecutionException | TimeoutException e) {
                        // leaving anyway
                    }
                }
            });
            Thread input = new Thread(() -> readInput(ws, connection), "duplex-input");
            input.setDaemon(true); // a terminal's readLine cannot be interrupted; the process ends without it
            input.start();
            Closed c = connection.closed.join();
            status((c.byPeer ? "Connection closed by the server: " : "Connection closed: ") + CloseCodes.describe(c.code)
                    + (c.reason.isEmpty() ? "" : " \"" + c.reason + "\"")
                    + (c.error != null ? " (" + c.error + ")" : ""));
            return c.code == 1000 || c.code == 1001 ? 0 : 1;
        }
    }

    // ------------------------------------------------------------------------------------ input

    private void readInput(WebSocket ws, Connection connection) {
        CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(env.in(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!ws.isOpen()) {
                    return;
                }
                if (!noCommands && line.startsWith("/") && !line.startsWith("//")) {
                    if (!command(ws, line)) {
                        return;
                    }
                    continue;
                }
                String text = !noCommands && line.startsWith("//") ? line.substring(1) : line;
                last = ws.sendText(text);
                connection.awaitWritable(ws);
            }
        } catch (IOException e) {
            status("duplex: reading input failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (echo) {
            return; // an echoing client stays until the server closes
        }
        try {
            last.join(); // sends complete in order: the last one done means all are
            if (quiet == null) {
                return; // --wait forever: the server closes
            }
            connection.awaitQuiet(quiet);
        } catch (CompletionException e) {
            return; // the connection closed under the send; onClose reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (ws.isOpen()) {
            ws.close(1000, "");
        }
    }

    /** Runs a /command; returns whether to keep reading input. */
    private boolean command(WebSocket ws, String line) {
        String[] parts = line.trim().split("\\s+", 2);
        String name = parts[0].toLowerCase(Locale.ROOT);
        String arg = parts.length > 1 ? parts[1] : "";
        switch (name) {
            case "/ping" -> {
                byte[] payload = arg.getBytes(StandardCharsets.UTF_8);
                if (payload.length > 125) {
                    status("duplex: a ping carries at most 125 bytes; this one has " + payload.length);
                } else {
                    ws.sendPing(ByteBuffer.wrap(payload));
                }
                return true;
            }
            case "/close" -> {
                String[] a = arg.isEmpty() ? new String[0] : arg.split("\\s+", 2);
                int code = 1000;
                if (a.length > 0) {
                    try {
                        code = Integer.parseInt(a[0]);
                    } catch (NumberFormatException e) {
                        status("duplex: /close takes a close code, like /close 1000 or /close 4000 done; not '" + a[0] + "'");
                        return true;
                    }
                }
                try {
                    ws.close(code, a.length > 1 ? a[1] : "");
                } catch (IllegalArgumentException e) {
                    status("duplex: cannot close that way: " + e.getMessage());
                    return true;
                }
                return false;
            }
            case "/quit", "/exit" -> {
                ws.close(1000, "");
                return false;
            }
            case "/binary" -> {
                try {
                    byte[] bytes = HexFormat.of().parseHex(arg.replaceAll("\\s+", ""));
                    ws.sendBinary(bytes);
                } catch (IllegalArgumentException e) {
                    status("duplex: /binary takes hex digits, like /binary 48656c6c6f or /binary 48 65 6c; "
                            + e.getMessage());
                }
                return true;
            }
            case "/help" -> {
                status("/ping [TEXT], /close [CODE [REASON]], /binary HEX, /quit; "
                        + "//text sends '/text'; other lines are sent as text.");
                return true;
            }
            default -> {
                status("duplex: unknown command " + name + "; /help lists them (start a line with // to send "
                        + "text that begins with /)");
                return true;
            }
        }
    }

    // --------------------------------------------------------------------------------- options

    private URI target() {
        if (!url.contains("://")) {
            throw usage("URL '" + url + "' has no scheme; write it like ws://" + url + " (or wss:// for TLS)");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw usage("URL '" + url + "' is not valid: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "ws", "wss" -> {
                if (uri.getHost() == null) {
                    throw usage("URL '" + url + "' has no host; write it like ws://127.0.0.1:8080/echo");
                }
                return uri;
            }
            case "http", "https" -> throw usage("URL '" + url + "' is not a WebSocket URL; did you mean "
                    + (scheme.equals("http") ? "ws" : "wss") + url.substring(scheme.length()) + " ?");
            case "" -> throw usage("URL '" + url + "' has no scheme; write it like ws://" + url
                    + " (or wss:// for TLS)");
            default -> throw usage("URL '" + url + "' has scheme " + scheme + "; use ws:// or wss://");
        }
    }

    private ClientOptions options(URI uri) {
        if (connectTimeout == null || connectTimeout.isZero()) {
            throw usage("--connect-timeout must be a positive duration, like 10s or 500ms");
        }
        ClientOptions.Builder b = ClientOptions.builder()
                .maxMessageSize(maxMessage)
                .connectTimeout(connectTimeout)
                .handshakeTimeout(connectTimeout);
        for (String h : headers) {
            int colon = h.indexOf(':');
            String name = colon > 0 ? h.substring(0, colon).trim() : "";
            if (name.isEmpty() || !name.chars().allMatch(ConnectCommand::isTokenChar)) {
                throw usage("-H '" + h + "' is not a header; write it as 'Name: value', like -H 'Authorization: Bearer abc'");
            }
            b.header(name, h.substring(colon + 1).trim());
        }
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.toArray(new String[0]));
        }
        if (caCert != null || clientCert != null || clientKey != null) {
            b.sslContext(tls(uri));
        }
        return b.build();
    }

    private SSLContext tls(URI uri) {
        String given = caCert != null ? "--ca-cert" : "--cert";
        if (!uri.getScheme().equalsIgnoreCase("wss")) {
            throw usage(given + " is for wss:// URLs; " + url + " does not use TLS");
        }
        if ((clientCert == null) != (clientKey == null)) {
            throw usage(clientCert == null ? "--key needs --cert: the client certificate the key belongs to"
                    : "--cert needs --key: the client certificate's private key");
        }
        for (Path p : new Path[] {caCert, clientCert, clientKey}) {
            if (p != null && !Files.isRegularFile(p)) {
                String option = p == caCert ? "--ca-cert " : p == clientCert ? "--cert " : "--key ";
                throw usage(option + p + ": no such file");
            }
        }
        if (clientCert == null) {
            try {
                return Tls.clientTrusting(caCert);
            } catch (IOException | RuntimeException e) {
                throw usage("--ca-cert " + caCert + ": " + e.getMessage());
            }
        }
        try {
            return caCert == null ? Tls.clientFromPem(clientCert, clientKey)
                    : Tls.clientFromPem(clientCert, clientKey, caCert);
        } catch (IOException | RuntimeException e) {
            throw usage("cannot use --cert " + clientCert + " with --key " + clientKey
                    + (caCert == null ? "" : " and --ca-cert " + caCert) + ": " + e.getMessage());
        }
    }

    private static boolean isTokenChar(int c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static String hint(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("answered 401")) {
            return ". The server wants credentials: send them with -H 'Authorization: ...' (or a cookie, -H 'Cookie: ...')";
        }
        if (m.contains("403")) {
            return ". The server refused this client (often its Origin policy); check -H 'Origin: ...'";
        }
        if (m.contains("404")) {
            return ". Is the path right? (duplex serve has /echo and /chat)";
        }
        if (m.contains("refused")) {
            return ". Is the server running, on that host and port?";
        }
        // Certificate alerts come from the server, about our certificate: the server's own is
        // judged here and fails with a PKIX or hostname message instead.
        if (m.contains("alert: bad_certificate") || m.contains("alert: certificate_required")
                || m.contains("alert: certificate_unknown")) {
            return ". The server wants a client certificate and refused the one given, or its absence:"
                    + " give one issued by a CA the server trusts with --cert FILE --key FILE";
        }
        if (m.contains("certificat") || m.contains("pkix")) {
            return ". For a self-signed server, trust its certificate with --ca-cert FILE";
        }
        return "";
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    // --------------------------------------------------------------------------------- output

    private void status(String line) {
        PrintStream err = env.err();
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    private void print(String line) {
        PrintStream out = env.out();
        synchronized (out) {
            out.println(env.interactive() ? "< " + line : line);
            out.flush();
        }
    }

    static String describeBinary(ByteBuffer data) {
        int n = data.remaining();
        int shown = Math.min(n, HEX_PREFIX);
        byte[] prefix = new byte[shown];
        data.duplicate().get(prefix);
        return "<binary " + n + (n == 1 ? " byte" : " bytes") + (n == 0 ? "" : ": " + HexFormat.of().formatHex(prefix))
                + (n > shown ? "…" : "") + ">";
    }

    /** How the connection ended. */
    record Closed(int code, String reason, boolean byPeer, String error) {}

    /** The connection's events: prints, echoes, tracks activity and the close. */
    final class Connection implements WebSocketHandler {
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        private final Object lock = new Object();
        private long lastActivity = System.nanoTime();
        private volatile String error;

        @Override
        public void onText(WebSocket ws, String text) {
            activity();
            print(text);
            if (echo) {
                ws.sendText(text);
            }
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            activity();
            print(describeBinary(data));
            if (echo) {
                ws.sendBinary(data); // a send copies what it cannot keep
            }
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer payload) {
            activity();
            byte[] b = new byte[payload.remaining()];
            payload.duplicate().get(b);
            status("pong" + (b.length == 0 ? "" : ": " + new String(b, StandardCharsets.UTF_8)));
        }

        @Override
        public void onWritable(WebSocket ws) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        @Override
        public void onError(WebSocket ws, Throwable e) {
            error = Main.describe(e);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
            closed.complete(new Closed(code, reason == null ? "" : reason, closedByPeer, error));
            synchronized (lock) {
                lock.notifyAll();
            }
        }

        private void activity() {
            synchronized (lock) {
                lastActivity = System.nanoTime();
            }
        }

        /** Waits while the connection has too much queued to send (so a big pipe does not overflow it). */
        void awaitWritable(WebSocket ws) throws InterruptedException {
            synchronized (lock) {
                while (!ws.isWritable() && ws.isOpen()) {
                    lock.wait(100);
                }
            }
        }

        /** Waits until nothing has arrived for {@code quiet}, or the connection closed. */
        void awaitQuiet(Duration quiet) throws InterruptedException {
            long quietNanos = quiet.toNanos();
            synchronized (lock) {
                lastActivity = Math.max(lastActivity, System.nanoTime() - quietNanos); // EOF counts from now at most
                while (!closed.isDone()) {
                    long left = lastActivity + quietNanos - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            }
        }
    }
}
