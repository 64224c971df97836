package dev.duplex;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection that comes back: whenever the connection fails or the server closes it,
 * it connects again after a {@link Backoff} delay, until {@link #close()} is called. The handler
 * sees every connection: {@code onOpen} for each, {@code onClose} for each.
 *
 * <p>Messages sent while disconnected fail at once (their futures complete exceptionally);
 * queueing them for the next connection is the application's decision, not ours.
 */
public final class ReconnectingWebSocket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconnectingWebSocket.class);

    private final WebSocketClient client;
    private final URI uri;
    private final WebSocketHandler handler;
    private final ClientOptions options;
    private final Backoff backoff;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile WebSocket current;
    private volatile boolean closed;

    ReconnectingWebSocket(WebSocketClient client, URI uri, WebSocketHandler handler, ClientOptions options, Backoff backoff) {
        if (overridesPart(handler, "onTextPart") || overridesPart(handler, "onBinaryPart")) {
            // The relay below passes whole messages; a streaming handler would silently get none.
            throw new IllegalArgumentException("a reconnecting connection delivers whole messages: its handler"
                    + " cannot take onTextPart/onBinaryPart; override onText/onBinary, or use WebSocketClient.open");
        }
        this.client = client;
        this.uri = uri;
        this.handler = handler;
        this.options = options;
        this.backoff = backoff;
    }

    void start() {
        attempt();
    }

    private void attempt() {
        if (closed) {
            return;
        }
        client.open(uri, new Relay(), options).whenComplete((ws, error) -> {
            if (error != null) {
                log.debug("connecting to {} failed: {}", uri, error.getMessage());
                retryLater();
            }
        });
    }

    private void retryLater() {
        if (closed) {
            return;
        }
        long delay = backoff.delayMillis(failures.getAndIncrement(), ThreadLocalRandom.current());
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(this::attempt);
    }

    /** The open connection, or null while reconnecting. */
    public WebSocket current() {
        return current;
    }

    /** How many times a connection was opened. */
    public int connections() {
        return connections.get();
    }

    /** Sends on the current connection; fails at once while disconnected. */
    public CompletableFuture<Void> sendText(CharSequence text) {
        WebSocket ws = current;
        return ws != null ? ws.sendText(text) : notConnected();
    }

    /** Sends on the current connection; fails at once while disconnected. */
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        WebSocket ws = current;
        return ws != null ? ws.sendBinary(data) : notConnected();
    }

    private static boolean overrides(WebSocketHandler h, String method) {
        try {
            return h.getClass().getMethod(method, WebSocket.class, ByteBuffer.class).getDeclaringClass()
                    != WebSocketHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean overridesPart(WebSocketHandler h, String method) {
        try {
            return h.getClass().getMethod(method, WebSocket.class, ByteBuffer.class, boolean.class)
                    .getDeclaringClass() != WebSocketHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static CompletableFuture<Void> notConnected() {
        return CompletableFuture.failedFuture(new IllegalStateException("not connected; reconnecting"));
    }

    /** Stops reconnecting and closes the current connection with 1000. */
    @Override
    public void close() {
        closed = true;
        WebSocket ws = current;
        if (ws != null) {
            ws.close();
        }
    }

    /** Passes events through, and reconnects when a connection ends. */
    private final class Relay implements WebSocketHandler {
        private final boolean textAsBytes = overrides(handler, "onTextBytes");

        @Override
        public void onTextBytes(WebSocket ws, ByteBuffer utf8) {
            if (textAsBytes) {
                handler.onTextBytes(ws, utf8);
            } else {
                handler.onText(ws, java.nio.charset.StandardCharsets.UTF_8.decode(utf8).toString());
            }
        }

        @Override
        public void onOpen(WebSocket ws) {
            failures.set(0);
            connections.incrementAndGet();
            current = ws;
            if (closed) {
                ws.close();
            }
            handler.onOpen(ws);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            handler.onBinary(ws, data);
        }

        @Override
        public void onPing(WebSocket ws, ByteBuffer payload) {
            handler.onPing(ws, payload);
        }

        @Override
        public void onPong(WebSocket ws, ByteBuffer payload) {
            handler.onPong(ws, payload);
        }

        @Override
        public void onWritable(WebSocket ws) {
            handler.onWritable(ws);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            handler.onError(ws, error);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
            current = null;
            try {
                handler.onClose(ws, code, reason, closedByPeer);
            } finally {
                retryLater();
            }
        }
    }
}
