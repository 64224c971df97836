package dev.duplex.protocol.handshake;

import dev.duplex.protocol.http.HttpStatus;

/**
 * Why a server refused an opening handshake, and the status it answers with. Distinct kinds share
 * a status where the RFC does, so metrics and logs can still tell them apart.
 */
public enum RejectionKind {
    /** The bytes were not a valid HTTP head (the head parser's {@code MALFORMED}): 400. */
    MALFORMED_HEAD(HttpStatus.BAD_REQUEST),
    /** The head was larger than the configured limit: 431. */
    HEAD_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    /** The head had more header lines than the configured limit: 431. */
    TOO_MANY_HEADERS(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
    /** A WebSocket request that broke a rule of RFC 6455 §4.2.1 (which one is in the reason): 400. */
    BAD_HANDSHAKE(HttpStatus.BAD_REQUEST),
    /** Not GET: 405 with {@code Allow: GET}. */
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED),
    /**
     * A plain HTTP request (no {@code Upgrade: websocket}) on a WebSocket route: 426 naming
     * websocket. The runtime may answer such requests itself (same-port HTTP) instead.
     */
    NOT_A_WEBSOCKET_REQUEST(HttpStatus.UPGRADE_REQUIRED),
    /** A {@code Sec-WebSocket-Version} other than 13: 426 with {@code Sec-WebSocket-Version: 13}. */
    UNSUPPORTED_VERSION(HttpStatus.UPGRADE_REQUIRED),
    /** The origin policy refused the request's {@code Origin}: 403. */
    ORIGIN_REFUSED(HttpStatus.FORBIDDEN);

    private final int statusCode;

    RejectionKind(int statusCode) {
        this.statusCode = statusCode;
    }

    /** The HTTP status this kind of rejection answers with. */
    public int statusCode() {
        return statusCode;
    }
}
