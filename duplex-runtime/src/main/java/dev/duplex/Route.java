package dev.duplex;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A WebSocket endpoint of a server: a path, the handler for connections to it, the subprotocols it
 * speaks, where its handlers run, and who may connect. Immutable; the {@code with} methods return
 * copies.
 *
 * <pre>{@code
 * Route.at("/chat", chatHandler).withSubprotocols("chat.v2", "chat.v1")
 *      .withExecutor(Executors.newVirtualThreadPerTaskExecutor())   // Java 21+
 *      .withUpgradeCheck(UpgradeCheck.immediate(request -> request.header("Authorization").isPresent()
 *              ? UpgradeDecision.accept() : UpgradeDecision.reject(401, "log in first")))
 * }</pre>
 */
public final class Route {
    private final String path;
    private final WebSocketHandler handler;
    private final List<String> subprotocols;
    private final Executor executor;
    private final UpgradeCheck upgradeCheck;

    private Route(String path, WebSocketHandler handler, List<String> subprotocols, Executor executor,
                  UpgradeCheck upgradeCheck) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a route's path starts with '/': " + path);
        }
        this.path = path;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.subprotocols = List.copyOf(subprotocols);
        this.executor = executor;
        this.upgradeCheck = upgradeCheck;
    }

    /** A route at {@code path} (exact match, without query) whose handlers run on the event loop. */
    public static Route at(String path, WebSocketHandler handler) {
        return new Route(path, handler, List.of(), null, null);
    }

    /**
     * The subprotocols this route speaks, most preferred first; the first that the client also
     * offers is chosen. A client that offers none still connects, with no subprotocol.
     */
    public Route withSubprotocols(String... supported) {
        return new Route(path, handler, List.of(supported), executor, upgradeCheck);
    }

    /**
     * Runs this route's handlers on {@code executor} instead of the event loop, one call at a
     * time per connection and in order, so that handlers may block (on Java 21+ a virtual-thread
     * executor is the natural choice).
     */
    public Route withExecutor(Executor executor) {
        return new Route(path, handler, subprotocols, Objects.requireNonNull(executor, "executor"), upgradeCheck);
    }

    /**
     * Decides on each upgrade request to this route before it is answered: accept it (with
     * attributes the connection carries, and headers for the 101) or refuse it with an HTTP
     * status (401, 403, 429...). The check runs after the protocol's own checks (version, key,
     * origin) have passed and before the 101 is written; a refused request never reaches the
     * handler. It is called on the event loop and answers with a {@code CompletionStage}, so
     * blocking work goes elsewhere: see {@link UpgradeCheck} (the route's executor is for
     * handlers, not for the check: use {@link UpgradeCheck#blocking} with it, or another one).
     */
    public Route withUpgradeCheck(UpgradeCheck check) {
        return new Route(path, handler, subprotocols, executor, Objects.requireNonNull(check, "check"));
    }

    public String path() {
        return path;
    }

    public WebSocketHandler handler() {
        return handler;
    }

    public List<String> subprotocols() {
        return subprotocols;
    }

    /** Where handlers run, or null for the event loop. */
    public Executor executor() {
        return executor;
    }

    /** What decides on upgrade requests, or null: every request the protocol allows is admitted. */
    public UpgradeCheck upgradeCheck() {
        return upgradeCheck;
    }
}
