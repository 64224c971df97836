package dev.duplex.protocol.handshake;

import static dev.duplex.protocol.handshake.WebSocketHeaders.CONNECTION;
import static dev.duplex.protocol.handshake.WebSocketHeaders.HOST;
import static dev.duplex.protocol.handshake.WebSocketHeaders.ORIGIN;
import static dev.duplex.protocol.handshake.WebSocketHeaders.SEC_WEBSOCKET_ACCEPT;
import static dev.duplex.protocol.handshake.WebSocketHeaders.SEC_WEBSOCKET_EXTENSIONS;
import static dev.duplex.protocol.handshake.WebSocketHeaders.SEC_WEBSOCKET_KEY;
import static dev.duplex.protocol.handshake.WebSocketHeaders.SEC_WEBSOCKET_PROTOCOL;
import static dev.duplex.protocol.handshake.WebSocketHeaders.SEC_WEBSOCKET_VERSION;
import static dev.duplex.protocol.handshake.WebSocketHeaders.UPGRADE;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionFactory;
import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.http.HttpHeadException;
import dev.duplex.protocol.http.HttpHeader;
import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpRequestHead;
import dev.duplex.protocol.http.HttpResponseHead;
import dev.duplex.protocol.http.HttpStatus;
import dev.duplex.protocol.http.HttpTokens;
import dev.duplex.protocol.http.HttpVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server's half of the opening handshake (RFC 6455 §4.2): checks a parsed request, applies
 * the origin policy, selects a subprotocol, negotiates extensions and produces the bytes to answer
 * with. Immutable and thread-safe once built; one instance serves every connection of a route.
 *
 * <p>The peer's mistakes never throw: they come back as {@link ServerHandshakeResult.Rejected},
 * a complete HTTP response to write before closing. Rules are checked in this order, so that the
 * most useful answer wins:
 * <ol>
 *   <li>HTTP/1.1 or later, else 400;
 *   <li>method GET, else 405 with {@code Allow: GET} (405 rather than 400: the resource exists,
 *       the method is what is wrong);
 *   <li>{@code Upgrade} lists websocket, else 426 as a plain HTTP request
 *       ({@link RejectionKind#NOT_A_WEBSOCKET_REQUEST});
 *   <li>{@code Connection} lists upgrade, exactly one {@code Host}, no request body, exactly one
 *       {@code Sec-WebSocket-Version}, else 400;
 *   <li>that version is 13, else 426 with {@code Sec-WebSocket-Version: 13};
 *   <li>exactly one {@code Sec-WebSocket-Key}, base64 of 16 bytes, else 400;
 *   <li>at most one {@code Origin}, allowed by the {@link OriginPolicy}, else 403;
 *   <li>{@code Sec-WebSocket-Protocol} and {@code Sec-WebSocket-Extensions} well-formed, else 400.
 * </ol>
 */
public final class ServerHandshake {
    /** Headers the handshake writes itself; extra response headers may not repeat them. */
    private static final Set<String> OWN_RESPONSE_HEADERS = lowerCased(List.of(UPGRADE, CONNECTION,
            SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_EXTENSIONS, "Content-Length", "Transfer-Encoding"));

    private final SubprotocolSelector subprotocolSelector;
    private final OriginPolicy originPolicy;
    private final List<ExtensionFactory> extensions;
    private final HttpHeaders responseHeaders;

    private ServerHandshake(Builder b) {
        this.subprotocolSelector = b.subprotocolSelector;
        this.originPolicy = b.originPolicy;
        this.extensions = List.copyOf(b.extensions);
        this.responseHeaders = b.responseHeaders;
    }

    /** A builder with the defaults: same-origin policy, no subprotocols, no extensions. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code request} asks for a WebSocket upgrade ({@code Upgrade: websocket}), for
     * runtimes that route plain HTTP requests elsewhere before handing the rest to {@link #accept}.
     */
    public static boolean isUpgradeRequest(HttpRequestHead request) {
        return request.headers().containsToken(UPGRADE, WebSocketHeaders.WEBSOCKET);
    }

    /**
     * The answer to a request whose head could not be parsed: 431 for a crossed limit, 400 for
     * broken syntax, the parser's one-line reason as the body.
     */
    public static ServerHandshakeResult.Rejected reject(HttpHeadException e) {
        RejectionKind kind;
        switch (e.kind()) {
            case HEAD_TOO_LARGE:
                kind = RejectionKind.HEAD_TOO_LARGE;
                break;
            case TOO_MANY_HEADERS:
                kind = RejectionKind.TOO_MANY_HEADERS;
                break;
            default:
                kind = RejectionKind.MALFORMED_HEAD;
        }
        return Rejections.reject(kind, e.getMessage());
    }

    /** {@link #accept(HttpRequestHead, HttpHeaders)} without per-request response headers. */
    public ServerHandshakeResult accept(HttpRequestHead request) {
        return accept(request, HttpHeaders.EMPTY);
    }

    /**
     * Checks {@code request} and answers it.
     *
     * @param extraResponseHeaders added to a 101 after the builder's response headers (a
     *                             {@code Set-Cookie}, say); not added to rejections
     * @return the 101 and what was agreed, or a complete rejection response. Accepted extensions
     *         belong to the caller, who must close them.
     * @throws IllegalArgumentException if {@code extraResponseHeaders} names a header the
     *                                  handshake writes itself
     * @throws IllegalStateException    if the subprotocol selector picks something the client did
     *                                  not offer (a bug in the selector, not the peer's mistake)
     */
    public ServerHandshakeResult accept(HttpRequestHead request, HttpHeaders extraResponseHeaders) {
        checkExtraHeaders(extraResponseHeaders);
        Optional<ServerHandshakeResult.Rejected> refusal = checkRequest(request);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        HttpHeaders headers = request.headers();

        List<String> offeredSubprotocols = headers.tokens(SEC_WEBSOCKET_PROTOCOL);
        for (String subprotocol : offeredSubprotocols) {
            if (!HttpTokens.isToken(subprotocol)) {
                return badHandshake("Sec-WebSocket-Protocol must be a comma-separated list of tokens");
            }
        }
        String subprotocol = selectSubprotocol(offeredSubprotocols);

        List<Extension> agreed;
        try {
            List<ExtensionOffer> offers = ExtensionOffer.parseAll(headers.values(SEC_WEBSOCKET_EXTENSIONS));
            agreed = ExtensionNegotiation.serverAccept(offers, extensions);
        } catch (ExtensionNegotiationException e) {
            return badHandshake(e.getMessage());
        }

        return new ServerHandshakeResult.Accepted(request, subprotocol, agreed,
                response101(request, subprotocol, agreed, extraResponseHeaders));
    }

    /**
     * {@code accepted} with {@code extraResponseHeaders} added to its 101: the same agreement and
     * the same extensions, for headers decided after the checks passed (by an application that
     * looks at the request first). Nothing is negotiated again.
     *
     * @throws IllegalArgumentException if {@code extraResponseHeaders} names a header the
     *                                  handshake writes itself
     */
    public ServerHandshakeResult.Accepted withResponseHeaders(ServerHandshakeResult.Accepted accepted,
                                                              HttpHeaders extraResponseHeaders) {
        checkExtraHeaders(extraResponseHeaders);
        return new ServerHandshakeResult.Accepted(accepted.request(), accepted.subprotocol(), accepted.extensions(),
                response101(accepted.request(), accepted.subprotocol(), accepted.extensions(), extraResponseHeaders));
    }

    private byte[] response101(HttpRequestHead request, String subprotocol, List<Extension> agreed, HttpHeaders extra) {
        HttpHeaders.Builder response = HttpHeaders.builder()
                .add(UPGRADE, WebSocketHeaders.WEBSOCKET)
                .add(CONNECTION, "Upgrade")
                .add(SEC_WEBSOCKET_ACCEPT,
                        HandshakeKeys.acceptFor(request.headers().first(SEC_WEBSOCKET_KEY).orElseThrow()));
        if (subprotocol != null) {
            response.add(SEC_WEBSOCKET_PROTOCOL, subprotocol);
        }
        if (!agreed.isEmpty()) {
            List<ExtensionOffer> terms = new ArrayList<>(agreed.size());
            for (Extension e : agreed) {
                terms.add(e.agreed());
            }
            response.add(SEC_WEBSOCKET_EXTENSIONS, ExtensionOffer.format(terms));
        }
        response.addAll(responseHeaders).addAll(extra);
        return HttpResponseHead.of(HttpStatus.SWITCHING_PROTOCOLS, response.build()).toBytes();
    }

    /** The rules of RFC 6455 §4.2.1 that need no negotiation, in the order documented above. */
    private Optional<ServerHandshakeResult.Rejected> checkRequest(HttpRequestHead request) {
        HttpHeaders headers = request.headers();
        if (!request.version().isAtLeast(HttpVersion.HTTP_1_1)) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "WebSocket handshake requires HTTP/1.1 or later");
        }
        if (!request.method().equals("GET")) {
            return refuse(RejectionKind.METHOD_NOT_ALLOWED, "WebSocket handshake must use GET");
        }
        if (!isUpgradeRequest(request)) {
            return refuse(RejectionKind.NOT_A_WEBSOCKET_REQUEST,
                    "this resource requires a WebSocket handshake (Upgrade: websocket)");
        }
        if (!headers.containsToken(CONNECTION, WebSocketHeaders.UPGRADE_TOKEN)) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "Connection header must contain the token upgrade");
        }
        if (headers.count(HOST) != 1) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "Host header must be present exactly once");
        }
        if (hasBody(headers)) {
            // Whatever follows the head is read as WebSocket frames; a body would be misread.
            return refuse(RejectionKind.BAD_HANDSHAKE, "WebSocket handshake request must not have a body");
        }
        if (headers.count(SEC_WEBSOCKET_VERSION) != 1) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Version header must be present exactly once");
        }
        if (!headers.first(SEC_WEBSOCKET_VERSION).orElseThrow().equals(WebSocketHeaders.VERSION)) {
            return refuse(RejectionKind.UNSUPPORTED_VERSION, "unsupported Sec-WebSocket-Version; this server speaks 13");
        }
        if (headers.count(SEC_WEBSOCKET_KEY) != 1) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Key header must be present exactly once");
        }
        if (!HandshakeKeys.isValidKey(headers.first(SEC_WEBSOCKET_KEY).orElseThrow())) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Key must be base64 of 16 bytes");
        }
        if (headers.count(ORIGIN) > 1) {
            return refuse(RejectionKind.BAD_HANDSHAKE, "Origin header must not be repeated");
        }
        if (!originPolicy.allows(headers.first(ORIGIN).orElse(null), request)) {
            return refuse(RejectionKind.ORIGIN_REFUSED, "origin not allowed");
        }
        return Optional.empty();
    }

    private static boolean hasBody(HttpHeaders headers) {
        if (headers.contains("Transfer-Encoding")) {
            return true;
        }
        for (String length : headers.values("Content-Length")) {
            if (!length.equals("0")) {
                return true;
            }
        }
        return false;
    }

    private String selectSubprotocol(List<String> offered) {
        if (offered.isEmpty()) {
            return null;
        }
        String selected = subprotocolSelector.select(offered).orElse(null);
        if (selected != null && !offered.contains(selected)) {
            throw new IllegalStateException("subprotocol selector chose " + selected
                    + ", which the client did not offer; it must return one of " + offered);
        }
        return selected;
    }

    private static Optional<ServerHandshakeResult.Rejected> refuse(RejectionKind kind, String reason) {
        return Optional.of(Rejections.reject(kind, reason));
    }

    private static ServerHandshakeResult.Rejected badHandshake(String reason) {
        return Rejections.reject(RejectionKind.BAD_HANDSHAKE, reason);
    }

    private static void checkExtraHeaders(HttpHeaders extra) {
        for (HttpHeader h : extra.asList()) {
            if (OWN_RESPONSE_HEADERS.contains(h.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("response header " + h.name()
                        + " is written by the handshake itself and may not be added");
            }
        }
    }

    private static Set<String> lowerCased(List<String> names) {
        Set<String> out = new HashSet<>();
        for (String n : names) {
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    /** Builds a {@link ServerHandshake}; not thread-safe. */
    public static final class Builder {
        private SubprotocolSelector subprotocolSelector = SubprotocolSelector.none();
        private OriginPolicy originPolicy = OriginPolicy.sameOrigin();
        private List<ExtensionFactory> extensions = List.of();
        private HttpHeaders responseHeaders = HttpHeaders.EMPTY;

        private Builder() {}

        /** Supports these subprotocols, most preferred first ({@link SubprotocolSelector#firstSupported}). */
        public Builder subprotocols(String... supported) {
            for (String s : supported) {
                if (!HttpTokens.isToken(s)) {
                    throw new IllegalArgumentException("subprotocol is not a token: \"" + s + "\"");
                }
            }
            return subprotocolSelector(SubprotocolSelector.firstSupported(List.of(supported)));
        }

        /** Picks subprotocols with {@code selector}; the default selects none. */
        public Builder subprotocolSelector(SubprotocolSelector selector) {
            this.subprotocolSelector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Decides which origins may connect; the default is {@link OriginPolicy#sameOrigin()}. */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The extensions this server supports. The client's order of offers decides which is
         * tried first, not this list's.
         *
         * @throws IllegalArgumentException if two factories have the same name
         */
        public Builder extensions(List<ExtensionFactory> factories) {
            Set<String> names = new HashSet<>();
            for (ExtensionFactory f : factories) {
                if (!names.add(f.name().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("two extension factories are named " + f.name());
                }
            }
            this.extensions = List.copyOf(factories);
            return this;
        }

        /**
         * Headers to add to every 101 response (a {@code Server} header, say).
         *
         * @throws IllegalArgumentException if one is a header the handshake writes itself
         */
        public Builder responseHeaders(HttpHeaders headers) {
            checkExtraHeaders(headers);
            this.responseHeaders = headers;
            return this;
        }

        public ServerHandshake build() {
            return new ServerHandshake(this);
        }
    }
}
