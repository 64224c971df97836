package dev.duplex;

import dev.duplex.internal.ClientHandshakeStage;
import dev.duplex.internal.EventLoop;
import dev.duplex.internal.SessionSettings;
import dev.duplex.internal.TlsTransport;
import dev.duplex.internal.Transport;
import dev.duplex.protocol.handshake.ClientHandshake;
import dev.duplex.protocol.handshake.WebSocketUri;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Opens WebSocket connections. One client owns a few event loop threads that its connections
 * share; {@link #connect(URI, WebSocketHandler)} uses a shared default client whose threads are
 * daemons.
 *
 * <pre>{@code
 * WebSocket ws = WebSocketClient.connect(URI.create("ws://localhost:8080/echo"), new WebSocketHandler() {
 *     public void onText(WebSocket ws, String text) { System.out.println(text); }
 * }).join();
 * ws.sendText("hello");
 * }</pre>
 */
public final class WebSocketClient implements AutoCloseable {
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static volatile WebSocketClient shared;

    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    private WebSocketClient(int threads) {
        int id = CLIENTS.incrementAndGet();
        loops = new EventLoop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new EventLoop("duplex-client-" + id + "-loop-" + i);
            loops[i].start();
        }
    }

    /** A client with {@code threads} event loops. Close it to stop them. */
    public static WebSocketClient create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        return new WebSocketClient(threads);
    }

    /** Connects with the shared client and default options. */
    public static CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler) {
        return sharedClient().open(uri, handler, ClientOptions.defaults());
    }

    /** Connects with the shared client. */
    public static CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler, ClientOptions options) {
        return sharedClient().open(uri, handler, options);
    }

    private static WebSocketClient sharedClient() {
        WebSocketClient c = shared;
        if (c == null) {
            synchronized (WebSocketClient.class) {
                if (shared == null) {
                    shared = new WebSocketClient(1);
                }
                c = shared;
            }
        }
        return c;
    }

    /**
     * Connects to a ws:// or wss:// URI. The future completes with the open connection (after
     * {@link WebSocketHandler#onOpen}) or fails with what went wrong: refused, timed out, or a
     * handshake response that is not a valid upgrade (the message names the problem).
     *
     * @throws IllegalArgumentException if the URI is not a valid WebSocket URI
     */
    public CompletableFuture<WebSocket> open(URI uri, WebSocketHandler handler, ClientOptions options) {
        ClientHandshake.Builder hb = ClientHandshake.builder(uri)
                .subprotocols(options.subprotocols())
                .extensions(options.extensions());
        options.headers().forEach(hb::header);
        ClientHandshake handshake = hb.build();
        WebSocketUri target = handshake.uri();
        CompletableFuture<WebSocket> result = new CompletableFuture<>();
        Function<SocketChannel, Transport> transports;
        if (target.secure()) {
            SSLContext ctx;
            try {
                ctx = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
            } catch (NoSuchAlgorithmException e) {
                result.completeExceptionally(e);
                return result;
            }
            transports = ch -> tls(ch, ctx, target.host(), target.port(), options.verifyHostname());
        } else {
            transports = ch -> null; // plain ws://: the endpoint writes to the socket itself
        }
        InetSocketAddress address;
        SocketChannel channel;
        try {
            address = new InetSocketAddress(target.host(), target.port());
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve host " + target.host());
            }
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            result.completeExceptionally(e);
            return result;
        }
        EventLoop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
        SessionSettings settings = new SessionSettings(options.protocolConfig(), options.highWatermark(),
                options.lowWatermark(), options.maxBuffered(), true, options.pingInterval(), options.idleTimeout(),
                options.closeTimeout(), options.executor());
        loop.execute(() -> new ClientHandshakeStage(loop, channel, transports, handshake, uri, handler, settings,
                options.connectTimeout(), options.handshakeTimeout(), result).connect(address));
        return result;
    }

    /**
     * Opens a connection that reconnects after failures and server-side closes, waiting
     * {@code backoff} between attempts, until {@link ReconnectingWebSocket#close()}.
     */
    public ReconnectingWebSocket openReconnecting(URI uri, WebSocketHandler handler, ClientOptions options, Backoff backoff) {
        ReconnectingWebSocket r = new ReconnectingWebSocket(this, uri, handler, options, backoff);
        r.start();
        return r;
    }

    private static Transport tls(SocketChannel ch, SSLContext ctx, String host, int port, boolean verify) {
        try {
            return TlsTransport.client(ch, ctx, host, port, verify);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not set up TLS for " + host + ":" + port, e);
        }
    }

    /** Stops the client's threads, closing its connections. */
    @Override
    public void close() {
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        for (EventLoop loop : loops) {
            try {
                loop.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
