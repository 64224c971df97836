package dev.duplex;

import dev.duplex.internal.EventLoop;
import dev.duplex.internal.ServerContext;
import dev.duplex.internal.Session;
import dev.duplex.internal.SessionSettings;
import dev.duplex.internal.SocketEndpoint;
import dev.duplex.internal.StaticFiles;
import dev.duplex.internal.TlsTransport;
import dev.duplex.internal.Transport;
import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import dev.duplex.protocol.extension.ExtensionFactory;
import dev.duplex.protocol.handshake.OriginPolicy;
import dev.duplex.protocol.http.HttpHeadLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket server: routes by path, plain HTTP answers on the same port (static files,
 * {@code /healthz}, 426 on WebSocket routes, 404), optional TLS, graceful shutdown.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(8080)
 *         .route("/echo", new WebSocketHandler() {
 *             public void onText(WebSocket ws, String text) { ws.sendText(text); }
 *         })
 *         .build()
 *         .start();
 * ...
 * server.stop(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Defaults are safe: browsers from other origins are refused (see {@link Builder#originPolicy}),
 * messages are limited to 1 MiB, a request head must arrive within 10 seconds and fit in 8 KiB.
 */
public final class WebSocketServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final Builder config;
    private final ServerContext context;
    private final EventLoop[] loops;
    private final int id = SERVERS.incrementAndGet();
    private final ServerStats stats;
    private ServerSocketChannel serverChannel;
    private InetSocketAddress bound;
    private Thread acceptor;
    private volatile boolean stopping;
    private int next;

    private WebSocketServer(Builder b, ServerContext context) {
        this.config = b;
        this.context = context;
        this.loops = new EventLoop[b.eventLoops];
        this.stats = new ServerStats(loops, context.sessions());
    }

    /** A builder with safe defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts accepting connections.
     *
     * @throws UncheckedIOException if the port cannot be bound (in use, no permission)
     */
    public synchronized WebSocketServer start() {
        if (serverChannel != null) {
            throw new IllegalStateException("the server is already started");
        }
        try {
            serverChannel = ServerSocketChannel.open();
            serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            serverChannel.bind(new InetSocketAddress(config.host, config.port), config.backlog);
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("could not listen on " + config.host + ":" + config.port
                    + " (" + e.getMessage() + "); is another server using the port? Pick another with port(...)", e);
        }
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop("duplex-server-" + id + "-loop-" + i);
            loops[i].start();
        }
        bound = address();
        acceptor = new Thread(this::acceptLoop, "duplex-server-" + id + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("Duplex listening on {}://{}", config.sslContext == null ? "ws" : "wss", format(address()));
        return this;
    }

    /** The address the server listens on; with port 0, the port chosen. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) serverChannel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port the server listens on (the one chosen when built with port 0). */
    public int port() {
        return address().getPort();
    }

    /** Live counts of connections, messages, bytes and close codes, for monitoring. */
    public ServerStats stats() {
        return stats;
    }

    /** The open WebSocket connections, at this moment. */
    public List<WebSocket> connections() {
        return List.copyOf(context.sessions().snapshot());
    }

    /**
     * Stops gracefully: stops accepting, sends 1001 Going Away to every connection, waits up to
     * {@code grace} for the closing handshakes, then closes whatever is left and stops every
     * thread. Returns once everything is released.
     */
    public void stop(Duration grace) {
        synchronized (this) {
            if (stopping || serverChannel == null) {
                return;
            }
            stopping = true;
        }
        closeQuietly();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Session s : context.sessions().snapshot()) {
            s.goAway();
        }
        for (SocketEndpoint e : context.handshaking()) {
            e.loop().execute(() -> e.closeNow(null));
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!context.sessions().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (EventLoop loop : loops) {
            if (loop != null) {
                loop.shutdown();
            }
        }
        for (EventLoop loop : loops) {
            try {
                if (loop != null && !loop.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("event loop {} did not stop within 5 s", loop.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("Duplex stopped on {}", format(bound));
    }

    /** {@link #stop(Duration)} with a 5-second grace period. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    private void acceptLoop() {
        while (!stopping) {
            SocketChannel ch;
            try {
                ch = serverChannel.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!stopping) {
                    log.warn("accept failed; going on", e);
                    pause();
                }
                continue;
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            EventLoop loop = loops[next];
            next = (next + 1) % loops.length;
            loop.execute(() -> register(loop, ch));
        }
    }

    private void register(EventLoop loop, SocketChannel ch) {
        try {
            context.accepted(new SocketEndpoint(loop, ch, config.sslContext == null ? null : tls(ch)));
        } catch (IOException | RuntimeException e) {
            log.debug("could not take a new connection", e);
            closeQuietly(ch);
        }
    }

    private Transport tls(SocketChannel ch) throws IOException {
        return TlsTransport.server(ch, config.sslContext, config.clientAuth);
    }

    private static void pause() {
        try {
            Thread.sleep(50); // out of file descriptors, say: give closing connections a moment
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        if (serverChannel != null) {
            closeQuietly(serverChannel);
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static String format(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Configures a {@link WebSocketServer}. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private int backlog = 1024;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private final List<Route> routes = new ArrayList<>();
        private final Map<String, ServerContext.Page> pages = new LinkedHashMap<>();
        private Path staticDir;
        private OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        private final List<ExtensionFactory> extensions = new ArrayList<>();
        private long maxMessageSize = ProtocolConfig.DEFAULT_MAX_MESSAGE_SIZE;
        private long maxFrameSize = -1;
        private long maxStreamedMessageSize = -1;
        private HttpHeadLimits headLimits = HttpHeadLimits.DEFAULT;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration idleTimeout = Duration.ZERO;
        private Duration pingInterval = Duration.ZERO;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private long highWatermark = 1 << 20;
        private long lowWatermark = 256 << 10;
        private long maxBuffered = 16 << 20;
        private boolean closeSlowConsumers = true;
        private SSLContext sslContext;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private boolean compression = true;

        private Builder() {}

        /**
         * Accept permessage-deflate when clients offer it (default true) with
         * {@link PerMessageDeflate#defaults()}: no server context takeover, so one compressor per
         * event loop serves every connection; messages under 1 KiB go uncompressed. Add a
         * configured {@link PerMessageDeflate} with {@link #extension} to tune it.
         */
        public Builder compression(boolean accept) {
            this.compression = accept;
            return this;
        }

        /** The address to listen on (default: every interface). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port (default 8080); 0 picks a free one, see {@link WebSocketServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Event loop threads (default: one per core). */
        public Builder eventLoops(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("eventLoops must be at least 1, was " + n);
            }
            this.eventLoops = n;
            return this;
        }

        /** A WebSocket route whose handlers run on the event loop. */
        public Builder route(String path, WebSocketHandler handler) {
            return route(Route.at(path, handler));
        }

        /** A WebSocket route. */
        public Builder route(Route route) {
            routes.add(Objects.requireNonNull(route, "route"));
            return this;
        }

        /** A fixed HTTP response for GET {@code path} (a demo page, say). */
        public Builder page(String path, String contentType, byte[] body) {
            pages.put(path, new ServerContext.Page(contentType, body.clone()));
            return this;
        }

        /** Serves files under {@code dir} to plain GET requests (never outside it). */
        public Builder staticFiles(Path dir) {
            this.staticDir = dir;
            return this;
        }

        /**
         * Who may open WebSockets from a browser (default {@link OriginPolicy#sameOrigin()}:
         * requests without an {@code Origin}, from non-browser clients, and pages served by this
         * same host and port). Refused requests get 403.
         */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** An extension to negotiate (permessage-deflate, say). */
        public Builder extension(ExtensionFactory factory) {
            extensions.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        /** The largest message accepted (default 1 MiB); bigger ones close the connection with 1009. */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /** The largest frame accepted (default: the limit of the message it belongs to). */
        public Builder maxFrameSize(long bytes) {
            this.maxFrameSize = bytes;
            return this;
        }

        /**
         * The largest message accepted by a handler that receives messages in parts
         * ({@link WebSocketHandler#onTextPart}, {@link WebSocketHandler#onBinaryPart}); default
         * 64 MiB, or {@link #maxMessageSize} if larger. Parts are not held, so this may be far
         * above the whole-message limit (raise it for large uploads); it bounds how long a peer
         * may send one message. Over it: 1009.
         */
        public Builder maxStreamedMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxStreamedMessageSize must be >= 0, was " + bytes);
            }
            this.maxStreamedMessageSize = bytes;
            return this;
        }

        /** Limits on request heads (default 8 KiB and 100 headers; over them: 431). */
        public Builder headLimits(HttpHeadLimits limits) {
            this.headLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** How long a client has to send its request head (default 10 s). */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = positive(d, "handshakeTimeout");
            return this;
        }

        /** Close connections that send nothing for this long (default: never). */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = Objects.requireNonNull(d, "idleTimeout");
            return this;
        }

        /** Ping every connection this often (default: never); pongs keep idle connections alive. */
        public Builder pingInterval(Duration d) {
            this.pingInterval = Objects.requireNonNull(d, "pingInterval");
            return this;
        }

        /** How long to wait for the peer's close frame before closing TCP anyway (default 5 s). */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = positive(d, "closeTimeout");
            return this;
        }

        /**
         * Outbound buffering per connection: at {@code high} bytes queued a connection stops
         * being writable, at {@code low} it is again (onWritable); a send past {@code max}
         * triggers the slow-consumer policy. Defaults: 1 MiB, 256 KiB, 16 MiB.
         */
        public Builder outboundBuffer(long low, long high, long max) {
            if (!(0 <= low && low <= high && high <= max)) {
                throw new IllegalArgumentException("need 0 <= low <= high <= max, got " + low + ", " + high + ", " + max);
            }
            this.lowWatermark = low;
            this.highWatermark = high;
            this.maxBuffered = max;
            return this;
        }

        /**
         * What happens when a send would pass the outbound limit: close the connection with 1008
         * (true, the default) or fail just that send (false). Either way the send's future fails.
         */
        public Builder closeSlowConsumers(boolean close) {
            this.closeSlowConsumers = close;
            return this;
        }

        /** Serves wss:// with this context (see {@link Tls}). */
        public Builder tls(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /**
         * Whether wss:// clients must present a certificate (mutual TLS): {@link ClientAuth#NONE}
         * (the default), {@link ClientAuth#OPTIONAL} or {@link ClientAuth#REQUIRED}. A client
         * that fails the check fails in the TLS handshake: no request is read, no handler is
         * called. Which certificates are valid is the {@link #tls} context's decision: build it
         * with {@link Tls#serverFromPem(Path, Path, Path)} to trust only your clients' CA (a
         * context without its own trust accepts any certificate from the JVM's authorities).
         * Handlers see who connected with {@link WebSocket#peerCertificates()}.
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * Builds the server; {@link WebSocketServer#start()} binds it.
         *
         * @throws UncheckedIOException if the static file directory cannot be used
         * @throws IllegalStateException if a client certificate is asked for without TLS
         */
        public WebSocketServer build() {
            if (clientAuth != ClientAuth.NONE && sslContext == null) {
                throw new IllegalStateException("clientAuth(" + clientAuth + ") needs TLS: client certificates are"
                        + " part of the TLS handshake; also set tls(Tls.serverFromPem(chain, key, clientCa))");
            }
            StaticFiles files = null;
            if (staticDir != null) {
                try {
                    files = new StaticFiles(staticDir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot serve files from " + staticDir + ": " + e.getMessage(), e);
                }
            }
            ProtocolConfig.Builder pc = ProtocolConfig.builder().maxMessageSize(maxMessageSize);
            if (maxFrameSize >= 0) {
                pc.maxFrameSize(maxFrameSize);
            }
            if (maxStreamedMessageSize >= 0) {
                pc.maxStreamedMessageSize(maxStreamedMessageSize);
            }
            ProtocolConfig protocol = pc.build();
            long low = lowWatermark;
            long high = highWatermark;
            long max = maxBuffered;
            boolean closeSlow = closeSlowConsumers;
            Duration ping = pingInterval;
            Duration idle = idleTimeout;
            Duration closeT = closeTimeout;
            java.util.function.Function<Executor, SessionSettings> settings = executor ->
                    new SessionSettings(protocol, high, low, max, closeSlow, ping, idle, closeT, executor);
            List<ExtensionFactory> ext = new ArrayList<>(extensions);
            if (compression && ext.stream().noneMatch(f -> f.name().equalsIgnoreCase(PerMessageDeflate.NAME))) {
                ext.add(PerMessageDeflate.defaults());
            }
            ServerContext ctx = new ServerContext(routes, originPolicy, List.copyOf(ext), pages, files,
                    headLimits, handshakeTimeout, settings);
            return new WebSocketServer(this, ctx);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
