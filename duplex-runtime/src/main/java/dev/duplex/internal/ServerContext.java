package dev.duplex.internal;

import dev.duplex.Route;
import dev.duplex.protocol.handshake.OriginPolicy;
import dev.duplex.protocol.handshake.ServerHandshake;
import dev.duplex.protocol.extension.ExtensionFactory;
import dev.duplex.protocol.http.HttpHeadLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * What a server's connections share: routes with their handshakes, pages, static files, limits,
 * and the set of live connections that shutdown must reach. Thread-safe.
 */
public final class ServerContext {

    /** A route and the handshake that admits connections to it. */
    public record RouteHandshake(Route route, ServerHandshake handshake) {}

    /** A fixed response body for a path. */
    public record Page(String contentType, byte[] body) {}

    private final Map<String, RouteHandshake> routes;
    private final Map<String, Page> pages;
    private final StaticFiles staticFiles;
    private final HttpHeadLimits headLimits;
    private final Duration handshakeTimeout;
    private final Function<Executor, SessionSettings> settings;
    /** One settings object per executor (per route), not one per connection. */
    private final Map<Object, SessionSettings> settingsByExecutor = new ConcurrentHashMap<>();
    private static final Object LOOP = new Object();

    private final SessionList sessions = new SessionList();
    private final Set<SocketEndpoint> handshaking = ConcurrentHashMap.newKeySet();

    public ServerContext(List<Route> routes, OriginPolicy originPolicy, List<ExtensionFactory> extensions,
                         Map<String, Page> pages, StaticFiles staticFiles, HttpHeadLimits headLimits,
                         Duration handshakeTimeout, Function<Executor, SessionSettings> settings) {
        Map<String, RouteHandshake> byPath = new ConcurrentHashMap<>();
        for (Route r : routes) {
            ServerHandshake hs = ServerHandshake.builder()
                    .subprotocols(r.subprotocols().toArray(new String[0]))
                    .originPolicy(originPolicy)
                    .extensions(extensions)
                    .build();
            if (byPath.putIfAbsent(r.path(), new RouteHandshake(r, hs)) != null) {
                throw new IllegalArgumentException("two routes at " + r.path());
            }
        }
        this.routes = Map.copyOf(byPath);
        this.pages = Map.copyOf(pages);
        this.staticFiles = staticFiles;
        this.headLimits = headLimits;
        this.handshakeTimeout = handshakeTimeout;
        this.settings = settings;
    }

    RouteHandshake route(String path) {
        return routes.get(path);
    }

    Page page(String path) {
        return pages.get(path);
    }

    StaticFiles staticFiles() {
        return staticFiles;
    }

    HttpHeadLimits headLimits() {
        return headLimits;
    }

    Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    SessionSettings sessionSettings(Executor executor) {
        return settingsByExecutor.computeIfAbsent(executor == null ? LOOP : executor, k -> settings.apply(executor));
    }

    /** A new connection, before its request head: registered so that shutdown can close it. */
    public void accepted(SocketEndpoint endpoint) throws java.io.IOException {
        handshaking.add(endpoint);
        endpoint.start(new ServerHttpStage(endpoint, this));
    }

    void opened(Session session) {
        handshaking.remove(session.endpoint());
        session.registerIn(sessions);
    }

    void closedBeforeUpgrade(SocketEndpoint endpoint) {
        handshaking.remove(endpoint);
    }

    /** The open WebSocket connections. */
    public SessionList sessions() {
        return sessions;
    }

    /** Connections still in their HTTP exchange. */
    public Set<SocketEndpoint> handshaking() {
        return handshaking;
    }
}
