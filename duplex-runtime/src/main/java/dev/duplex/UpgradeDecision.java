package dev.duplex;

import dev.duplex.protocol.http.HttpHeader;
import dev.duplex.protocol.http.HttpHeaders;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What an {@link UpgradeCheck} decided about an upgrade request: {@link #accept()} it, perhaps
 * with attributes for the connection and headers for the 101 response, or {@link #reject} it with
 * an HTTP status and a reason. Immutable; the {@code with} methods return copies.
 *
 * <pre>{@code
 * UpgradeDecision.accept().withAttribute("user", "alice").withHeader("Set-Cookie", "session=...; HttpOnly")
 * UpgradeDecision.reject(401, "a bearer token is required").withHeader("WWW-Authenticate", "Bearer realm=\"chat\"")
 * UpgradeDecision.reject(429, "too many connections").withHeader("Retry-After", "30")
 * }</pre>
 *
 * <p>Headers are checked when they are added, so that a value taken from a request can never
 * split the response: a name must be an HTTP token, a value may hold no CR, LF or other control
 * character (tab aside) and nothing above U+00FF. Headers the server writes itself ({@code
 * Upgrade}, {@code Connection}, {@code Content-Length}, {@code Content-Type}, {@code
 * Transfer-Encoding}, {@code Sec-WebSocket-*}) may not be added.
 */
public sealed interface UpgradeDecision permits UpgradeDecision.Accept, UpgradeDecision.Reject {

    /** Admits the connection, with no attributes and no extra headers. */
    static Accept accept() {
        return Accept.EMPTY;
    }

    /**
     * Refuses the connection with {@code status} and {@code reason} as a plain-text body (a
     * newline is added). The client sees the reason: say what it must do, and leave out anything
     * internal. No connection is made and no handler is called.
     *
     * @param status 400–599; typically 401 (with a {@code WWW-Authenticate} header), 403 or 429
     * @throws IllegalArgumentException if the status is outside 400–599
     */
    static Reject reject(int status, String reason) {
        return new Reject(status, reason, HttpHeaders.EMPTY);
    }

    /** The headers to add to the response, in order. */
    HttpHeaders headers();

    /** An admission: the 101 goes out, the connection opens with these attributes. */
    final class Accept implements UpgradeDecision {
        private static final Accept EMPTY = new Accept(Map.of(), HttpHeaders.EMPTY);

        private final Map<String, Object> attributes;
        private final HttpHeaders headers;

        private Accept(Map<String, Object> attributes, HttpHeaders headers) {
            this.attributes = attributes;
            this.headers = headers;
        }

        /**
         * Stores {@code value} on the connection under {@code key}, readable from
         * {@link WebSocketHandler#onOpen} on with {@link WebSocket#attribute(String)}: who the
         * client is, what it may do. Only these values stay with the connection, not the request.
         */
        public Accept withAttribute(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value (an attribute cannot be null; leave it out instead)");
            Map<String, Object> next = new HashMap<>(attributes);
            next.put(key, value);
            return new Accept(Map.copyOf(next), headers);
        }

        /**
         * Adds a header to the 101 response ({@code Set-Cookie}, say).
         *
         * @throws IllegalArgumentException if the name is not a token, the value holds a control
         *                                  character, or the server writes this header itself
         */
        public Accept withHeader(String name, String value) {
            return new Accept(attributes, plus(headers, name, value));
        }

        /** The attributes for the connection. */
        public Map<String, Object> attributes() {
            return attributes;
        }

        @Override
        public HttpHeaders headers() {
            return headers;
        }

        @Override
        public String toString() {
            return "accept" + (attributes.isEmpty() ? "" : " with " + attributes.keySet())
                    + (headers.isEmpty() ? "" : " and headers " + headers);
        }
    }

    /** A refusal: the server answers with this status and reason and closes the connection. */
    final class Reject implements UpgradeDecision {
        private final int status;
        private final String reason;
        private final HttpHeaders headers;

        private Reject(int status, String reason, HttpHeaders headers) {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("a rejection's status must be a client or server error, 400–599; was "
                        + status + " (to admit the connection, return UpgradeDecision.accept())");
            }
            this.status = status;
            this.reason = Objects.requireNonNull(reason, "reason");
            this.headers = headers;
        }

        /**
         * Adds a header to the response ({@code WWW-Authenticate} with a 401, {@code Retry-After}
         * with a 429 or 503).
         *
         * @throws IllegalArgumentException if the name is not a token, the value holds a control
         *                                  character, or the server writes this header itself
         */
        public Reject withHeader(String name, String value) {
            return new Reject(status, reason, plus(headers, name, value));
        }

        /** The HTTP status of the response. */
        public int status() {
            return status;
        }

        /** The response body, without the newline the server adds. */
        public String reason() {
            return reason;
        }

        @Override
        public HttpHeaders headers() {
            return headers;
        }

        @Override
        public String toString() {
            return "reject " + status + " " + reason;
        }
    }

    private static HttpHeaders plus(HttpHeaders headers, String name, String value) {
        HttpHeader line = new HttpHeader(name, value); // refuses non-tokens and CR/LF
        if (writtenByTheServer(line.name())) {
            throw new IllegalArgumentException("header " + name + " is written by the server itself and may not be"
                    + " added to an upgrade decision");
        }
        return HttpHeaders.builder().addAll(headers).add(line).build();
    }

    /** Headers the server writes into 101s and refusals itself: a second copy would contradict it. */
    private static boolean writtenByTheServer(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "upgrade":
            case "connection":
            case "content-length":
            case "content-type":
            case "transfer-encoding":
            case "x-content-type-options":
                return true;
            default:
                return name.regionMatches(true, 0, "Sec-WebSocket-", 0, "Sec-WebSocket-".length());
        }
    }
}
