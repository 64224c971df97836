package dev.duplex.internal;

import dev.duplex.Route;
import dev.duplex.protocol.handshake.ServerHandshake;
import dev.duplex.protocol.handshake.ServerHandshakeResult;
import dev.duplex.protocol.http.HttpHeadException;
import dev.duplex.protocol.http.HttpHeadParser;
import dev.duplex.protocol.http.HttpRequestHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first bytes of a server connection: an HTTP/1.1 request head. An upgrade to a WebSocket
 * route becomes a {@link Session}; any other request gets a real HTTP answer (a static file, the
 * health check, 426 on a WebSocket route, 404) and the connection closes. A head that does not
 * arrive in time (a slowloris peer) is cut off.
 */
final class ServerHttpStage implements SocketEndpoint.Stage {
    private static final Logger log = LoggerFactory.getLogger(ServerHttpStage.class);

    private final SocketEndpoint endpoint;
    private final ServerContext server;
    private final HttpHeadParser<HttpRequestHead> parser;
    private final TimerWheel.Timer handshakeTimer;
    private boolean done;

    ServerHttpStage(SocketEndpoint endpoint, ServerContext server) {
        this.endpoint = endpoint;
        this.server = server;
        this.parser = HttpHeadParser.forRequest(server.headLimits());
        this.handshakeTimer = new TimerWheel.Timer(this::onHandshakeTimeout);
        endpoint.loop().timers().schedule(handshakeTimer, server.handshakeTimeout().toNanos(), System.nanoTime());
    }

    @Override
    public void onData(ByteBuffer in) {
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
            endpoint.loop().timers().cancel(handshakeTimer);
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
                finish(HttpResponses.text(404, "no WebSocket endpoint at " + path + "\n"));
                return;
            }
            ServerHandshakeResult result = route.handshake().accept(request);
            if (result instanceof ServerHandshakeResult.Accepted accepted) {
                upgrade(route.route(), accepted, rest);
            } else {
                finish(ByteBuffer.wrap(result.response()));
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

    private void upgrade(Route route, ServerHandshakeResult.Accepted accepted, ByteBuffer rest) {
        done = true;
        endpoint.write(ByteBuffer.wrap(accepted.response()));
        // Most targets are the route's path itself: keep the route's string, not a copy per connection.
        String target = accepted.request().target();
        if (target.equals(route.path())) {
            target = route.path();
        }
        Session session = new Session(endpoint, true, accepted.extensions(), accepted.subprotocol(), target,
                route.handler(), server.sessionSettings(route.executor()));
        server.opened(session);
        session.open();
        if (rest.hasRemaining()) {
            session.onData(rest); // frames that came in the same read as the request head
        }
    }

    private void finish(ByteBuffer response) {
        done = true;
        endpoint.loop().timers().cancel(handshakeTimer);
        endpoint.write(response);
        endpoint.closeAfterFlush();
    }

    private void onHandshakeTimeout() {
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

    @Override
    public void onTransportClosed(Throwable cause) {
        endpoint.loop().timers().cancel(handshakeTimer);
        server.closedBeforeUpgrade(endpoint);
    }
}
