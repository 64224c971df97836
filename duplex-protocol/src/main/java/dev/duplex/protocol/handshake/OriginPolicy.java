package dev.duplex.protocol.handshake;

import dev.duplex.protocol.http.HttpRequestHead;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a handshake from a given {@code Origin} is allowed; a refusal answers 403.
 *
 * <p>The {@code Origin} header is what protects users of browsers from other sites opening
 * WebSockets with their cookies (cross-site WebSocket hijacking). Clients that are not browsers
 * may send any Origin or none, so a policy protects browser users only; authentication still
 * belongs to the application.
 */
@FunctionalInterface
public interface OriginPolicy {

    /**
     * @param origin  the {@code Origin} header's value, or null when the request has none
     * @param request the whole request, for policies that look at the Host or the path
     * @return true to go on with the handshake, false to answer 403
     */
    boolean allows(String origin, HttpRequestHead request);

    /** Allows every origin. Only for servers that no browser with credentials will ever reach. */
    static OriginPolicy allowAll() {
        return (origin, request) -> true;
    }

    /**
     * The default: allows requests without an {@code Origin} (not from a browser) and requests
     * whose origin's host and port equal the {@code Host} header's, ignoring case and default
     * ports. Refuses everything else, including the opaque origin {@code null}.
     */
    static OriginPolicy sameOrigin() {
        return (origin, request) -> origin == null
                || request.headers().first(WebSocketHeaders.HOST)
                        .map(host -> Origins.sameAuthority(origin, host))
                        .orElse(false);
    }

    /**
     * Allows requests without an {@code Origin} and those whose origin is one of
     * {@code allowedOrigins} (serialized as browsers send them: {@code https://app.example.com},
     * with a port only when it is not the default), compared ignoring case.
     */
    static OriginPolicy allowOnly(Collection<String> allowedOrigins) {
        Set<String> allowed = allowedOrigins.stream()
                .map(o -> o.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        return (origin, request) -> origin == null || allowed.contains(origin.toLowerCase(Locale.ROOT));
    }
}
