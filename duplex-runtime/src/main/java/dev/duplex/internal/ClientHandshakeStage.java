package dev.duplex.internal;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.protocol.handshake.ClientHandshake;
import dev.duplex.protocol.handshake.ClientHandshakeResult;
import dev.duplex.protocol.handshake.HandshakeException;
import dev.duplex.protocol.http.HttpHeadException;
import dev.duplex.protocol.http.HttpHeadLimits;
import dev.duplex.protocol.http.HttpHeadParser;
import dev.duplex.protocol.http.HttpResponseHead;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A client connection until it is a WebSocket: TCP connect, then the HTTP upgrade request and
 * its response. Completes the future with the open {@link WebSocket}, or fails it with what went
 * wrong (refused, timed out, a response that is not a valid upgrade).
 */
public final class ClientHandshakeStage implements SocketEndpoint.Stage, EventLoop.Handler {
    private final EventLoop loop;
    private final SocketChannel channel;
    private final Function<SocketChannel, Transport> transports;
    private final ClientHandshake handshake;
    private final URI uri;
    private final WebSocketHandler handler;
    private final SessionSettings settings;
    private final CompletableFuture<WebSocket> result;
    private final HttpHeadParser<HttpResponseHead> parser = HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT);
    private final TimerWheel.Timer timeout = new TimerWheel.Timer(this::onTimeout);
    private final Duration handshakeTimeout;
    private SocketEndpoint endpoint;
    private String phase = "connecting";

    public ClientHandshakeStage(EventLoop loop, SocketChannel channel, Function<SocketChannel, Transport> transports,
                                ClientHandshake handshake, URI uri, WebSocketHandler handler, SessionSettings settings,
                                Duration connectTimeout, Duration handshakeTimeout, CompletableFuture<WebSocket> result) {
        this.loop = loop;
        this.channel = channel;
        this.transports = transports;
        this.handshake = handshake;
        this.uri = uri;
        this.handler = handler;
        this.settings = settings;
        this.result = result;
        this.handshakeTimeout = handshakeTimeout;
        loop.timers().schedule(timeout, connectTimeout.toNanos(), System.nanoTime());
    }

    /** Starts connecting; call on the loop. */
    public void connect(java.net.InetSocketAddress address) {
        try {
            if (channel.connect(address)) {
                connected();
            } else {
                loop.register(channel, SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException e) {
            fail(connectFailure(address.toString(), e));
        } catch (RuntimeException e) {
            fail(new IOException("could not start the connection to " + uri + ": " + e.getMessage(), e));
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        try {
            if (channel.finishConnect()) {
                key.interestOps(0);
                connected();
            }
        } catch (IOException e) {
            fail(connectFailure(uri.getHost() + ":" + port(), e));
        } catch (RuntimeException e) {
            fail(new IOException("could not start the connection to " + uri + ": " + e.getMessage(), e));
        }
    }

    private int port() {
        return uri.getPort() > 0 ? uri.getPort() : "wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static IOException connectFailure(String where, IOException e) {
        ConnectException c = new ConnectException("could not connect to " + where + ": " + e.getMessage());
        c.initCause(e);
        return c;
    }

    private void connected() throws IOException {
        phase = "waiting for the handshake response";
        loop.timers().schedule(timeout, handshakeTimeout.toNanos(), System.nanoTime());
        endpoint = new SocketEndpoint(loop, channel, transports.apply(channel));
        endpoint.start(this);
        endpoint.write(ByteBuffer.wrap(handshake.requestBytes()));
    }

    @Override
    public void onData(ByteBuffer in) {
        if (result.isDone()) {
            in.position(in.limit());
            return;
        }
        Optional<HttpResponseHead> head;
        ClientHandshakeResult accepted;
        try {
            head = parser.parse(in);
            if (head.isEmpty()) {
                return;
            }
            accepted = handshake.validate(head.get());
        } catch (HttpHeadException e) {
            fail(new IOException("the server's handshake response is malformed: " + e.getMessage(), e));
            return;
        } catch (HandshakeException e) {
            fail(new IOException("the server refused the WebSocket handshake: " + e.getMessage(), e));
            return;
        }
        loop.timers().cancel(timeout);
        Session session = new Session(endpoint, false, accepted.extensions(), accepted.subprotocol(), uri.toString(), handler, settings);
        result.complete(session);
        session.open();
        if (in.hasRemaining()) {
            session.onData(in); // frames the server sent right behind its response
        }
    }

    @Override
    public void onEnd() {
        fail(new IOException("the server closed the connection while " + phase));
    }

    @Override
    public void onTransportClosed(Throwable cause) {
        fail(cause instanceof IOException io ? io : new IOException("connection closed while " + phase, cause));
    }

    private void onTimeout() {
        fail(new java.net.SocketTimeoutException("timed out " + phase + " to " + uri));
    }

    private void fail(IOException e) {
        loop.timers().cancel(timeout);
        result.completeExceptionally(e);
        if (endpoint != null) {
            endpoint.closeNow(null);
        } else {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }
}
