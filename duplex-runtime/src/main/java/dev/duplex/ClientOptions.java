package dev.duplex;

import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import dev.duplex.protocol.extension.ExtensionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * How a client connects: extra headers, subprotocols, timeouts, TLS trust, limits. Immutable;
 * {@link #defaults()} or {@link #builder()}.
 */
public final class ClientOptions {
    private final Map<String, String> headers;
    private final List<String> subprotocols;
    private final List<ExtensionFactory> extensions;
    private final Duration connectTimeout;
    private final Duration handshakeTimeout;
    private final Duration pingInterval;
    private final Duration idleTimeout;
    private final Duration closeTimeout;
    private final long maxMessageSize;
    private final long maxStreamedMessageSize;
    private final SSLContext sslContext;
    private final boolean verifyHostname;
    private final Executor executor;
    private final long highWatermark;
    private final long lowWatermark;
    private final long maxBuffered;

    private ClientOptions(Builder b) {
        this.headers = Map.copyOf(b.headers);
        this.subprotocols = List.copyOf(b.subprotocols);
        List<ExtensionFactory> ext = new ArrayList<>(b.extensions);
        if (b.compression && ext.stream().noneMatch(f -> f.name().equalsIgnoreCase(PerMessageDeflate.NAME))) {
            ext.add(PerMessageDeflate.defaults());
        }
        this.extensions = List.copyOf(ext);
        this.connectTimeout = b.connectTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.pingInterval = b.pingInterval;
        this.idleTimeout = b.idleTimeout;
        this.closeTimeout = b.closeTimeout;
        this.maxMessageSize = b.maxMessageSize;
        this.maxStreamedMessageSize = b.maxStreamedMessageSize;
        this.sslContext = b.sslContext;
        this.verifyHostname = b.verifyHostname;
        this.executor = b.executor;
        this.highWatermark = b.highWatermark;
        this.lowWatermark = b.lowWatermark;
        this.maxBuffered = b.maxBuffered;
    }

    /** No extra headers or subprotocols; 10 s to connect and 10 s for the handshake; 1 MiB messages. */
    public static ClientOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, String> headers() {
        return headers;
    }

    public List<String> subprotocols() {
        return subprotocols;
    }

    public List<ExtensionFactory> extensions() {
        return extensions;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public Duration pingInterval() {
        return pingInterval;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** The TLS context for wss://, or null for the system default. */
    public SSLContext sslContext() {
        return sslContext;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** Where handlers run, or null for the event loop. */
    public Executor executor() {
        return executor;
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long lowWatermark() {
        return lowWatermark;
    }

    public long maxBuffered() {
        return maxBuffered;
    }

    /** The limit on a message received in parts, or -1 for the default (64 MiB). */
    public long maxStreamedMessageSize() {
        return maxStreamedMessageSize;
    }

    ProtocolConfig protocolConfig() {
        ProtocolConfig.Builder pc = ProtocolConfig.builder().maxMessageSize(maxMessageSize);
        if (maxStreamedMessageSize >= 0) {
            pc.maxStreamedMessageSize(maxStreamedMessageSize);
        }
        return pc.build();
    }

    /** Builds {@link ClientOptions}. */
    public static final class Builder {
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private final List<ExtensionFactory> extensions = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ZERO;
        private Duration idleTimeout = Duration.ZERO;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private long maxMessageSize = ProtocolConfig.DEFAULT_MAX_MESSAGE_SIZE;
        private long maxStreamedMessageSize = -1;
        private SSLContext sslContext;
        private boolean verifyHostname = true;
        private Executor executor;
        private long highWatermark = 1 << 20;
        private long lowWatermark = 256 << 10;
        private long maxBuffered = 16 << 20;
        private boolean compression = true;

        private Builder() {}

        /**
         * Offer permessage-deflate (default true, as browsers do); the server decides. Add a
         * configured {@link PerMessageDeflate} with {@link #extension} to tune it.
         */
        public Builder compression(boolean offer) {
            this.compression = offer;
            return this;
        }

        /** An extra request header (an Origin, an Authorization, a cookie...). */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Subprotocols to offer, most preferred first. */
        public Builder subprotocols(String... offered) {
            subprotocols.addAll(List.of(offered));
            return this;
        }

        /** An extension to offer (permessage-deflate, say). */
        public Builder extension(ExtensionFactory factory) {
            extensions.add(Objects.requireNonNull(factory, "factory"));
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d, "connectTimeout");
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = Objects.requireNonNull(d, "handshakeTimeout");
            return this;
        }

        /** Ping the server this often (default: never). */
        public Builder pingInterval(Duration d) {
            this.pingInterval = Objects.requireNonNull(d, "pingInterval");
            return this;
        }

        /** Close after hearing nothing from the server for this long (default: never). */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = Objects.requireNonNull(d, "idleTimeout");
            return this;
        }

        public Builder closeTimeout(Duration d) {
            this.closeTimeout = Objects.requireNonNull(d, "closeTimeout");
            return this;
        }

        /** The largest message accepted from the server (default 1 MiB). */
        public Builder maxMessageSize(long bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * The largest message accepted from the server when the handler receives it in parts
         * ({@link WebSocketHandler#onTextPart}, {@link WebSocketHandler#onBinaryPart}); default
         * 64 MiB, or {@link #maxMessageSize} if larger. Parts are not held, so this only bounds
         * how long a peer may send one message; over it: 1009.
         */
        public Builder maxStreamedMessageSize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxStreamedMessageSize must be >= 0, was " + bytes);
            }
            this.maxStreamedMessageSize = bytes;
            return this;
        }

        /**
         * TLS for wss:// (default: the JVM's trust store); see {@link Tls#clientTrusting}, and for a
         * server that asks for a client certificate (mutual TLS) {@link Tls#clientFromPem(
         * java.nio.file.Path, java.nio.file.Path, java.nio.file.Path)} or {@link Tls#clientFromPkcs12}.
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** Whether the server certificate must name the host connected to (default true; keep it). */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /** Runs handlers on {@code executor}, in order per connection, instead of the event loop. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /** Outbound buffering: see {@link WebSocketServer.Builder#outboundBuffer}. */
        public Builder outboundBuffer(long low, long high, long max) {
            if (!(0 <= low && low <= high && high <= max)) {
                throw new IllegalArgumentException("need 0 <= low <= high <= max, got " + low + ", " + high + ", " + max);
            }
            this.lowWatermark = low;
            this.highWatermark = high;
            this.maxBuffered = max;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(this);
        }
    }
}
