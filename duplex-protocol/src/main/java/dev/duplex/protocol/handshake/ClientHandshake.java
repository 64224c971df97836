package dev.duplex.protocol.handshake;

import static dev.duplex.protocol.handshake.WebSocketHeaders.CONNECTION;
import static dev.duplex.protocol.handshake.WebSocketHeaders.HOST;
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
import dev.duplex.protocol.http.HttpHeader;
import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpVersion;
import dev.duplex.protocol.http.HttpRequestHead;
import dev.duplex.protocol.http.HttpResponseHead;
import dev.duplex.protocol.http.HttpStatus;
import dev.duplex.protocol.http.HttpTokens;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The client's half of one opening handshake (RFC 6455 §4.1): the request to send, with a fresh
 * key, and the check of the server's response against it. Make one per connection attempt with
 * {@link #builder(URI)}; it is immutable.
 *
 * <p>A response that is not an acceptable 101 makes {@link #validate} throw a
 * {@link HandshakeException} naming what was wrong; the client must then fail the connection.
 * Mistakes in the caller's settings (a bad URI, a header the handshake owns) are
 * {@link IllegalArgumentException}s from the builder.
 */
public final class ClientHandshake {
    private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

    /** Headers the handshake sets itself, with what to use instead where there is something. */
    private static final Map<String, String> OWN_REQUEST_HEADERS = Map.of(
            "host", "it comes from the URI",
            "upgrade", "the handshake sets it",
            "connection", "the handshake sets it",
            "sec-websocket-key", "the handshake makes a fresh one",
            "sec-websocket-version", "the handshake sets it",
            "sec-websocket-accept", "it belongs in responses",
            "sec-websocket-protocol", "use subprotocols(...)",
            "sec-websocket-extensions", "use extensions(...)",
            "content-length", "a handshake request has no body",
            "transfer-encoding", "a handshake request has no body");

    private final WebSocketUri uri;
    private final String key;
    private final List<String> subprotocols;
    private final List<ExtensionFactory> extensions;
    private final HttpRequestHead request;

    private ClientHandshake(Builder b) {
        this.uri = b.uri;
        this.key = HandshakeKeys.newKey(b.random);
        this.subprotocols = List.copyOf(b.subprotocols);
        this.extensions = offeringFactories(b.extensions);
        this.request = buildRequest(b.headers.build());
    }

    /**
     * A builder for a handshake to {@code uri}.
     *
     * @throws IllegalArgumentException if the URI is not a usable ws or wss URI (see
     *                                  {@link WebSocketUri#of(URI)})
     */
    public static Builder builder(URI uri) {
        return new Builder(WebSocketUri.of(uri));
    }

    /** Where to connect and what the request names. */
    public WebSocketUri uri() {
        return uri;
    }

    /** The {@code Sec-WebSocket-Key} sent. */
    public String key() {
        return key;
    }

    /** The request head. */
    public HttpRequestHead request() {
        return request;
    }

    /** The request head as the bytes to send. */
    public byte[] requestBytes() {
        return request.toBytes();
    }

    /**
     * Checks the server's response (RFC 6455 §4.1, the client's steps 1–6 after sending).
     *
     * @return the subprotocol and extensions in effect; the caller owns the extensions
     * @throws HandshakeException naming the first thing that is wrong: the status, the
     *                            {@code Upgrade}, {@code Connection} or {@code Sec-WebSocket-Accept}
     *                            header, the subprotocol, or an extension
     */
    public ClientHandshakeResult validate(HttpResponseHead response) throws HandshakeException {
        if (response.statusCode() != HttpStatus.SWITCHING_PROTOCOLS) {
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_STATUS, response.statusCode(),
                    "server answered " + shortened(response.statusCode() + " " + response.reason()).strip()
                            + " instead of 101 Switching Protocols");
        }
        if (!response.version().isAtLeast(HttpVersion.HTTP_1_1)) {
            // Upgrade exists only from HTTP/1.1 on, and no 1xx may answer an HTTP/1.0 exchange.
            throw new HandshakeException(HandshakeException.Kind.UNEXPECTED_STATUS, response.statusCode(),
                    "server answered 101 with " + response.version() + "; an upgrade needs HTTP/1.1");
        }
        HttpHeaders headers = response.headers();
        if (!headers.containsToken(UPGRADE, WebSocketHeaders.WEBSOCKET)) {
            throw new HandshakeException(HandshakeException.Kind.BAD_UPGRADE,
                    headers.contains(UPGRADE) ? "response's Upgrade header does not name websocket"
                            : "response has no Upgrade header");
        }
        if (!headers.containsToken(CONNECTION, WebSocketHeaders.UPGRADE_TOKEN)) {
            throw new HandshakeException(HandshakeException.Kind.BAD_CONNECTION,
                    headers.contains(CONNECTION) ? "response's Connection header does not list upgrade"
                            : "response has no Connection header");
        }
        checkAccept(headers);
        String subprotocol = checkSubprotocol(headers);
        List<ExtensionOffer> agreed;
        try {
            agreed = ExtensionOffer.parseAll(headers.values(SEC_WEBSOCKET_EXTENSIONS));
        } catch (ExtensionNegotiationException e) {
            throw new HandshakeException(HandshakeException.Kind.BAD_EXTENSION, "response's " + e.getMessage());
        }
        List<Extension> inEffect = ExtensionNegotiation.clientAccept(agreed, extensions);
        return new ClientHandshakeResult(subprotocol, inEffect, response);
    }

    private void checkAccept(HttpHeaders headers) throws HandshakeException {
        int count = headers.count(SEC_WEBSOCKET_ACCEPT);
        if (count == 0) {
            throw new HandshakeException(HandshakeException.Kind.BAD_ACCEPT, "response has no Sec-WebSocket-Accept header");
        }
        if (count > 1) {
            throw new HandshakeException(HandshakeException.Kind.BAD_ACCEPT, "response has more than one Sec-WebSocket-Accept header");
        }
        if (!headers.first(SEC_WEBSOCKET_ACCEPT).orElseThrow().equals(HandshakeKeys.acceptFor(key))) {
            throw new HandshakeException(HandshakeException.Kind.BAD_ACCEPT,
                    "response's Sec-WebSocket-Accept does not match the key sent");
        }
    }

    private String checkSubprotocol(HttpHeaders headers) throws HandshakeException {
        List<String> values = headers.tokens(SEC_WEBSOCKET_PROTOCOL);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new HandshakeException(HandshakeException.Kind.BAD_SUBPROTOCOL,
                    "response's Sec-WebSocket-Protocol must name one subprotocol, not " + values.size());
        }
        String chosen = values.get(0);
        if (!subprotocols.contains(chosen)) {
            throw new HandshakeException(HandshakeException.Kind.BAD_SUBPROTOCOL, "server selected subprotocol "
                    + shortened(chosen) + (subprotocols.isEmpty() ? " but none was offered" : ", which was not offered"));
        }
        return chosen;
    }

    private HttpRequestHead buildRequest(HttpHeaders extra) {
        HttpHeaders.Builder h = HttpHeaders.builder()
                .add(HOST, uri.hostHeader())
                .add(UPGRADE, WebSocketHeaders.WEBSOCKET)
                .add(CONNECTION, "Upgrade")
                .add(SEC_WEBSOCKET_KEY, key)
                .add(SEC_WEBSOCKET_VERSION, WebSocketHeaders.VERSION);
        if (!subprotocols.isEmpty()) {
            h.add(SEC_WEBSOCKET_PROTOCOL, String.join(", ", subprotocols));
        }
        List<ExtensionOffer> offers = new ArrayList<>();
        for (ExtensionFactory f : extensions) {
            offers.addAll(f.offers());
        }
        if (!offers.isEmpty()) {
            h.add(SEC_WEBSOCKET_EXTENSIONS, ExtensionOffer.format(offers));
        }
        h.addAll(extra);
        return HttpRequestHead.of("GET", uri.requestTarget(), h.build());
    }

    /** The factories that make offers; only those count as offered when the response is checked. */
    private static List<ExtensionFactory> offeringFactories(List<ExtensionFactory> factories) {
        List<ExtensionFactory> out = new ArrayList<>();
        for (ExtensionFactory f : factories) {
            if (!f.offers().isEmpty()) {
                out.add(f);
            }
        }
        return List.copyOf(out);
    }

    /** Keeps server-provided text in messages short. */
    private static String shortened(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** Builds a {@link ClientHandshake}; not thread-safe. */
    public static final class Builder {
        private final WebSocketUri uri;
        private List<String> subprotocols = List.of();
        private List<ExtensionFactory> extensions = List.of();
        private final HttpHeaders.Builder headers = HttpHeaders.builder();
        private SecureRandom random = DEFAULT_RANDOM;

        private Builder(WebSocketUri uri) {
            this.uri = uri;
        }

        /**
         * Offers these subprotocols, most preferred first.
         *
         * @throws IllegalArgumentException if one is not a token or one is repeated
         */
        public Builder subprotocols(List<String> offered) {
            Set<String> seen = new HashSet<>();
            for (String s : offered) {
                if (!HttpTokens.isToken(s)) {
                    throw new IllegalArgumentException("subprotocol is not a token: \"" + s + "\"");
                }
                if (!seen.add(s)) {
                    throw new IllegalArgumentException("subprotocol " + s + " is offered twice");
                }
            }
            this.subprotocols = List.copyOf(offered);
            return this;
        }

        /** Offers these subprotocols, most preferred first. */
        public Builder subprotocols(String... offered) {
            return subprotocols(List.of(offered));
        }

        /**
         * Offers what these factories offer, in this order.
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
         * Adds a header to the request ({@code Origin}, {@code Authorization}, {@code Cookie}...).
         *
         * @throws IllegalArgumentException if the name is not a token, the value holds CR, LF or
         *                                  another control character, or the handshake sets this
         *                                  header itself
         */
        public Builder header(String name, String value) {
            HttpHeader header = new HttpHeader(name, value);
            String why = OWN_REQUEST_HEADERS.get(name.toLowerCase(Locale.ROOT));
            if (why != null) {
                throw new IllegalArgumentException("header " + name + " may not be set as an extra header: " + why);
            }
            headers.add(header);
            return this;
        }

        /** Adds each of {@code extra} with {@link #header(String, String)}. */
        public Builder headers(HttpHeaders extra) {
            for (HttpHeader h : extra.asList()) {
                header(h.name(), h.value());
            }
            return this;
        }

        /** Where the key's randomness comes from; tests pin it. */
        public Builder random(SecureRandom random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** A handshake with a fresh key. */
        public ClientHandshake build() {
            return new ClientHandshake(this);
        }
    }
}
