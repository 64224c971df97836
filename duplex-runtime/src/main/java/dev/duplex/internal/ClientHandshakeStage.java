package dev.duplex.internal;

import dev.duplex.HandshakeRefusedException;
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
import java.nio.charset.StandardCharsets;
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
    /** A response other than 101 whose body is still arriving, or null. */
    private HttpResponseHead refusal;
    private ByteBuffer refusalBody;

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
        if (refusal != null) {
            takeBody(in);
            return;
        }
        if (result.isDone()) {
            in.position(in.limit());
            return;
        }
        Optional<HttpResponseHead> head = Optional.empty();
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
            if (e.kind() == HandshakeException.Kind.UNEXPECTED_STATUS && head.get().statusCode() != 101) {
                refused(head.get(), in);
            } else {
                fail(new IOException("the server refused the WebSocket handshake: " + e.getMessage(), e));
            }
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

    /**
     * Reads what the server says about its refusal: the body of its Content-Length, up to
     * {@link HandshakeRefusedException#MAX_BODY} bytes and within the handshake timeout; without
     * a Content-Length, only what came with the head (waiting for the close could take long).
     */
    private void refused(HttpResponseHead head, ByteBuffer in) {
        long length = head.headers().first("Transfer-Encoding").isPresent() ? -1
                : head.headers().first("Content-Length").map(ClientHandshakeStage::parseLength).orElse(-1L);
        int wanted = (int) Math.min(length < 0 ? in.remaining() : length, HandshakeRefusedException.MAX_BODY);
        refusal = head;
        refusalBody = ByteBuffer.allocate(wanted);
        takeBody(in);
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void takeBody(ByteBuffer in) {
        int n = Math.min(in.remaining(), refusalBody.remaining());
        refusalBody.put(in.slice().limit(n));
        in.position(in.limit()); // beyond the body: of no interest
        if (!refusalBody.hasRemaining()) {
            endRefusal();
        }
    }

    private void endRefusal() {
        HttpResponseHead head = refusal;
        String body = new String(refusalBody.array(), 0, refusalBody.position(), StandardCharsets.UTF_8);
        refusal = null;
        refusalBody = null;
        fail(new HandshakeRefusedException(head.statusCode(), head.reason(), head.headers(), body));
    }

    @Override
    public void onEnd() {
        if (refusal != null) {
            endRefusal();
            return;
        }
        fail(new IOException("the server closed the connection while " + phase));
    }

    @Override
    public void onTransportClosed(Throwable cause) {
        if (refusal != null) {
            endRefusal();
            return;
        }
        fail(cause instanceof IOException io ? io : new IOException("connection closed while " + phase, cause));
    }

    private void onTimeout() {
        if (refusal != null) {
            endRefusal(); // the body came too slowly: what arrived will do
            return;
        }
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
