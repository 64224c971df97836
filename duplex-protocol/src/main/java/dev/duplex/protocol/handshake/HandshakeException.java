package dev.duplex.protocol.handshake;

import dev.duplex.protocol.http.HttpHeadException;

/**
 * Client role: the server's answer to the opening handshake was not an acceptable 101, so the
 * client must fail the connection (RFC 6455 §4.1). The message names what was wrong; the
 * {@link #kind()} sorts failures for metrics and for callers that react differently (to a 401,
 * say).
 */
public final class HandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What part of the response was wrong. */
    public enum Kind {
        /** The status was not 101; {@link #statusCode()} has it. */
        UNEXPECTED_STATUS,
        /** {@code Upgrade} is missing or does not name websocket. */
        BAD_UPGRADE,
        /** {@code Connection} is missing or does not list upgrade. */
        BAD_CONNECTION,
        /** {@code Sec-WebSocket-Accept} is missing, repeated, or does not match the key. */
        BAD_ACCEPT,
        /** {@code Sec-WebSocket-Protocol} names something not offered, or more than one value. */
        BAD_SUBPROTOCOL,
        /** {@code Sec-WebSocket-Extensions} is malformed, names something not offered or repeats it, or an extension refused the terms. */
        BAD_EXTENSION,
        /** The response head itself could not be parsed ({@link #malformedResponse}). */
        MALFORMED_RESPONSE
    }

    private final Kind kind;
    private final int statusCode;

    /** A failure with the response's status 101 (everything but {@link Kind#UNEXPECTED_STATUS}). */
    public HandshakeException(Kind kind, String message) {
        this(kind, 101, message);
    }

    /**
     * @param kind       what was wrong
     * @param statusCode the response's status code (0 when there was no parsable response)
     * @param message    one line naming what was wrong
     */
    public HandshakeException(Kind kind, int statusCode, String message) {
        super(message);
        this.kind = kind;
        this.statusCode = statusCode;
    }

    /** The response head could not be parsed; the parser's reason says why. */
    public static HandshakeException malformedResponse(HttpHeadException cause) {
        HandshakeException e = new HandshakeException(Kind.MALFORMED_RESPONSE, 0,
                "server's response is not a valid HTTP head: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /** What part of the response was wrong. */
    public Kind kind() {
        return kind;
    }

    /** The response's status code; 0 if no response head was parsed. */
    public int statusCode() {
        return statusCode;
    }
}
