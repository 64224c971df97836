package dev.duplex;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Decides whether an upgrade request may become a WebSocket connection: authentication,
 * authorization, rate limits, and what the connection should know about its client. Set on a
 * route with {@link Route#withUpgradeCheck}.
 *
 * <pre>{@code
 * Route.at("/chat", chat).withUpgradeCheck(UpgradeCheck.immediate(request -> {
 *     Optional<String> user = request.header("Authorization").flatMap(tokens::verify);
 *     return user.isPresent()
 *             ? UpgradeDecision.accept().withAttribute("user", user.get())
 *             : UpgradeDecision.reject(401, "send Authorization: Bearer <token>")
 *                     .withHeader("WWW-Authenticate", "Bearer realm=\"chat\"");
 * }))
 * // in the handler: String user = ws.attribute("user");
 * }</pre>
 *
 * <p><b>Threads.</b> The check is asynchronous: it is called on the connection's event loop,
 * after the protocol's own checks (version, key, origin) have passed, and returns a stage that
 * completes with the decision. It must return quickly. A decision made from the request alone (a
 * signed token, a client certificate) is returned already complete: {@link #immediate}. Work that
 * blocks (a database, a call to an identity service) runs elsewhere: {@link #blocking} runs it on
 * an executor of your choice, and a non-blocking client's own future can be returned as it is.
 * Whichever thread completes the stage, the decision is applied on the event loop.
 *
 * <p><b>While the decision is pending</b> the server reads nothing more from the connection, and
 * the handshake timeout ({@link WebSocketServer.Builder#handshakeTimeout}, counted from the
 * connection's arrival) keeps running: a decision that has not come by then is answered with
 * {@code 503 Service Unavailable} and the connection closed; the stage is cancelled (if it is a
 * {@link CompletableFuture}) and a late decision is ignored.
 *
 * <p><b>Failures.</b> A check that throws, returns null, or whose stage completes exceptionally
 * or with null is answered with {@code 500 Internal Server Error} and a generic body, never a
 * hang; the exception is logged at WARN, not sent to the client.
 */
@FunctionalInterface
public interface UpgradeCheck {

    /**
     * Starts deciding on {@code request}. Called on the event loop: must not block.
     *
     * @return a stage completing with the decision, on any thread
     */
    CompletionStage<UpgradeDecision> check(UpgradeRequest request);

    /**
     * A check that decides at once, on the event loop, from the request alone; {@code decide}
     * must not block (use {@link #blocking} for that).
     */
    static UpgradeCheck immediate(Function<UpgradeRequest, UpgradeDecision> decide) {
        Objects.requireNonNull(decide, "decide");
        return request -> CompletableFuture.completedFuture(decide.apply(request));
    }

    /**
     * A check that may block: {@code decide} runs on {@code executor} (on Java 21+ a
     * virtual-thread executor is the natural choice), while the event loop goes on with other
     * connections. An executor that refuses the task counts as a failed check (500).
     */
    static UpgradeCheck blocking(Executor executor, Function<UpgradeRequest, UpgradeDecision> decide) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(decide, "decide");
        return request -> CompletableFuture.supplyAsync(() -> decide.apply(request), executor);
    }
}
