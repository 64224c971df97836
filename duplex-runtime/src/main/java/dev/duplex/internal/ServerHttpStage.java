package dev.duplex.internal;

import dev.duplex.Route;
import dev.duplex.UpgradeCheck;
import dev.duplex.UpgradeDecision;
import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.handshake.ServerHandshake;
import dev.duplex.protocol.handshake.ServerHandshakeResult;
import dev.duplex.protocol.http.HttpHeadException;
import dev.duplex.protocol.http.HttpHeadParser;
import dev.duplex.protocol.http.HttpRequestHead;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first bytes of a server connection: an HTTP/1.1 request head. An upgrade to a WebSocket
 * route becomes a {@link Session}; any other request gets a real HTTP answer (a static file, the
 * health check, 426 on a WebSocket route, 404) and the connection closes. A head that does not
 * arrive in time (a slowloris peer) is cut off.
 *
 * <p>A route with an {@link UpgradeCheck} is asked after the protocol's checks pass. While its
 * decision is pending the stage stops reading (bytes already read after the head, at most one
 * read's worth, are kept for the session) and the handshake timer keeps running; the decision is
 * applied on the loop, and one that comes after the timeout or the socket's close is dropped.
 */
final class ServerHttpStage implements SocketEndpoint.Stage {
    private static final Logger log = LoggerFactory.getLogger(ServerHttpStage.class);

    private final SocketEndpoint endpoint;
    private final ServerContext server;
    private final HttpHeadParser<HttpRequestHead> parser;
    private final TimerWheel.Timer handshakeTimer;
    private boolean done;
    /** The upgrade waiting for its route's check to decide, or null. */
    private Deciding deciding;

    /** What an upgrade needs once its check has decided; identity tells a late decision from the current one. */
    private static final class Deciding {
        final Route route;
        final ServerHandshake handshake;
        final ServerHandshakeResult.Accepted accepted;
        /** Bytes read after the head (a client that did not wait for the 101), or null. */
        ByteBuffer early;
        CompletionStage<UpgradeDecision> stage;

        Deciding(Route route, ServerHandshake handshake, ServerHandshakeResult.Accepted accepted) {
            this.route = route;
            this.handshake = handshake;
            this.accepted = accepted;
        }
    }

    ServerHttpStage(SocketEndpoint endpoint, ServerContext server) {
        this.endpoint = endpoint;
        this.server = server;
        this.parser = HttpHeadParser.forRequest(server.headLimits());
        this.handshakeTimer = new TimerWheel.Timer(this::onHandshakeTimeout);
        endpoint.loop().timers().schedule(handshakeTimer, server.handshakeTimeout().toNanos(), System.nanoTime());
    }

    @Override
    public void onData(ByteBuffer in) {
        if (deciding != null) {
            keepEarly(deciding, in); // reading is paused; only what one read had already taken arrives here
            return;
        }
        if (done) {
            in.position(in.limit()); // after answering, the rest of the request is of no interest
            return;
        }
        Optional<HttpRequestHead> head;
        try {
            head = parser.parse(in);
        } catch (HttpHeadException e) {
            finish(ByteBuffer.wrap(ServerHandshake.reject(e).response()));
            return;
        }
        if (head.isPresent()) {
            respond(head.get(), in);
        }
    }

    private void respond(HttpRequestHead request, ByteBuffer rest) {
        String target = request.target();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        ServerContext.RouteHandshake route = server.route(path);
        if (ServerHandshake.isUpgradeRequest(request)) {
            if (route == null) {
                refuseUpgrade(HttpResponses.text(404, "no WebSocket endpoint at " + path + "\n"));
                return;
            }
            ServerHandshakeResult result = route.handshake().accept(request);
            if (result instanceof ServerHandshakeResult.Accepted accepted) {
                UpgradeCheck check = route.route().upgradeCheck();
                if (check == null) {
                    upgrade(route.route(), accepted, rest, Map.of());
                } else {
                    decide(check, route, accepted, path, rest);
                }
            } else {
                refuseUpgrade(ByteBuffer.wrap(result.response()));
            }
            return;
        }
        if (route != null) {
            // A plain GET on a WebSocket route: tell the client how to talk to it (426).
            finish(ByteBuffer.wrap(route.handshake().accept(request).response()));
            return;
        }
        finish(plainHttp(request, path));
    }

    private ByteBuffer plainHttp(HttpRequestHead request, String path) {
        String method = request.method();
        boolean head = method.equals("HEAD");
        if (!method.equals("GET") && !head) {
            return HttpResponses.text(405, "only GET and HEAD are served here\n", "Allow", "GET, HEAD");
        }
        if (path.equals("/healthz")) {
            return HttpResponses.of(200, "text/plain; charset=utf-8", "ok\n".getBytes(), head);
        }
        ServerContext.Page page = server.page(path);
        if (page != null) {
            return HttpResponses.of(200, page.contentType(), page.body(), head);
        }
        StaticFiles files = server.staticFiles();
        if (files != null) {
            try {
                Optional<StaticFiles.Found> found = files.find(path);
                if (found.isPresent()) {
                    return HttpResponses.of(200, found.get().contentType(), found.get().body(), head);
                }
            } catch (IOException e) {
                log.warn("reading static file for {} failed", path, e);
                return HttpResponses.text(500, "could not read the file\n");
            }
        }
        return HttpResponses.text(404, "not found: " + path + "\n");
    }

    /** Asks the route's check; the answer comes now or later, through {@link #decided}. */
    private void decide(UpgradeCheck check, ServerContext.RouteHandshake route, ServerHandshakeResult.Accepted accepted,
                        String path, ByteBuffer rest) {
        Deciding d = new Deciding(route.route(), route.handshake(), accepted);
        deciding = d;
        done = true;
        // Stop reading before asking: a client must wait for the 101, and one that does not
        // should not make us hold more than the bytes already read.
        endpoint.pauseReading(true);
        keepEarly(d, rest);
        InetSocketAddress remote;
        try {
            remote = (InetSocketAddress) endpoint.transport().channel().getRemoteAddress();
        } catch (IOException e) {
            remote = null;
        }
        SSLSession tls = endpoint.transport() instanceof TlsTransport t ? t.engine().getSession() : null;
        UpgradeRequestView request = new UpgradeRequestView(accepted.request(), path, remote, tls);
        CompletionStage<UpgradeDecision> stage;
        try {
            stage = check.check(request);
        } catch (RuntimeException e) {
            decided(d, null, e);
            return;
        }
        if (stage == null) {
            decided(d, null, new NullPointerException("the upgrade check returned null instead of a CompletionStage"));
            return;
        }
        d.stage = stage;
        EventLoop loop = endpoint.loop();
        stage.whenComplete((decision, failure) -> {
            if (loop.inLoop()) {
                decided(d, decision, failure);
            } else {
                loop.execute(() -> decided(d, decision, failure));
            }
        });
    }

    private static void keepEarly(Deciding d, ByteBuffer in) {
        if (!in.hasRemaining()) {
            return;
        }
        ByteBuffer early = d.early;
        if (early == null) {
            early = ByteBuffer.allocate(in.remaining());
        } else if (early.remaining() < in.remaining()) {
            early = ByteBuffer.allocate(early.position() + in.remaining()).put(early.flip());
        }
        d.early = early.put(in);
    }

    /** Applies a check's decision; on the loop. */
    private void decided(Deciding d, UpgradeDecision decision, Throwable failure) {
        if (deciding != d) {
            return; // too late: the timeout or a close came first, and released what the upgrade held
        }
        deciding = null;
        if (failure != null || decision == null) {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            log.warn("the upgrade check of route {} failed on {}; answered 500", d.route.path(), endpoint,
                    cause != null ? cause : new NullPointerException("the upgrade check's stage completed with null"));
            closeExtensions(d.accepted);
            refuseUpgrade(HttpResponses.text(500, "the server could not decide on this upgrade request\n"));
            return;
        }
        if (decision instanceof UpgradeDecision.Reject reject) {
            log.debug("upgrade to {} refused by its check on {}: {}", d.route.path(), endpoint, reject);
            closeExtensions(d.accepted);
            refuseUpgrade(HttpResponses.text(reject.status(), reject.reason() + "\n", reject.headers()));
            return;
        }
        UpgradeDecision.Accept accept = (UpgradeDecision.Accept) decision;
        ServerHandshakeResult.Accepted accepted = d.accepted;
        if (!accept.headers().isEmpty()) {
            try {
                accepted = d.handshake.withResponseHeaders(accepted, accept.headers()); // same agreement, no new one
            } catch (IllegalArgumentException e) { // UpgradeDecision refuses these names already; never a hang
                log.warn("route {}: the upgrade check's headers cannot go into the 101; answered 500", d.route.path(), e);
                closeExtensions(accepted);
                refuseUpgrade(HttpResponses.text(500, "the server could not decide on this upgrade request\n"));
                return;
            }
        }
        ByteBuffer early = d.early == null ? ByteBuffer.allocate(0) : d.early.flip();
        // Resume before the session opens: its handler may pause reading in onOpen, and that must stand.
        // Nothing is read before upgrade() returns, as we are on the loop.
        endpoint.pauseReading(false);
        upgrade(d.route, accepted, early, accept.attributes());
    }

    private static void closeExtensions(ServerHandshakeResult.Accepted accepted) {
        for (Extension e : accepted.extensions()) {
            try {
                e.close();
            } catch (RuntimeException ex) {
                log.debug("closing an extension of a refused upgrade failed", ex);
            }
        }
    }

    private void upgrade(Route route, ServerHandshakeResult.Accepted accepted, ByteBuffer rest,
                         Map<String, Object> attributes) {
        done = true;
        endpoint.loop().timers().cancel(handshakeTimer);
        endpoint.write(ByteBuffer.wrap(accepted.response()));
        // Most targets are the route's path itself: keep the route's string, not a copy per connection.
        String target = accepted.request().target();
        if (target.equals(route.path())) {
            target = route.path();
        }
        Session session = new Session(endpoint, true, accepted.extensions(), accepted.subprotocol(), target,
                route.handler(), server.sessionSettings(route.executor()));
        // Before open(): onOpen already sees what the check learned.
        attributes.forEach(session::attribute);
        server.opened(session);
        session.open();
        if (rest.hasRemaining()) {
            session.onData(rest); // frames that came in the same read as the request head
        }
    }

    /** Answers an upgrade request with an error status instead of 101, and counts it. */
    private void refuseUpgrade(ByteBuffer response) {
        endpoint.loop().stats().add(LoopStats.UPGRADES_REFUSED, 1);
        finish(response);
    }

    private void finish(ByteBuffer response) {
        done = true;
        endpoint.loop().timers().cancel(handshakeTimer);
        endpoint.write(response);
        endpoint.closeAfterFlush();
    }

    private void onHandshakeTimeout() {
        Deciding d = deciding;
        if (d != null) {
            deciding = null;
            log.warn("the upgrade check of route {} did not decide within the handshake timeout ({}) on {}; answered 503",
                    d.route.path(), server.handshakeTimeout(), endpoint);
            abandon(d);
            refuseUpgrade(HttpResponses.text(503, "the server did not decide on this upgrade request in time; try again later\n"));
            return;
        }
        if (!done) {
            done = true;
            log.debug("closing {}: no complete request head within {}", endpoint, server.handshakeTimeout());
            endpoint.closeNow(null);
        }
    }

    @Override
    public void onEnd() {
        endpoint.closeNow(null);
    }

    /** Gives up on a pending check: its extensions are released and its stage told, if it listens. */
    private static void abandon(Deciding d) {
        closeExtensions(d.accepted);
        if (d.stage instanceof CompletableFuture<UpgradeDecision> f) {
            f.cancel(false);
        }
    }

    @Override
    public void onTransportClosed(Throwable cause) {
        Deciding d = deciding;
        if (d != null) {
            deciding = null;
            abandon(d);
        }
        endpoint.loop().timers().cancel(handshakeTimer);
        server.closedBeforeUpgrade(endpoint);
    }
}
