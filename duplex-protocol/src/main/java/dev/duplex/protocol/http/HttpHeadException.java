package dev.duplex.protocol.http;

/**
 * An HTTP head could not be accepted: it broke the syntax or crossed a limit. Carries the
 * {@link Kind} so that callers can answer with the right status (400 or 431) and a one-line
 * reason that is safe to send back to the peer (it never echoes the peer's bytes).
 *
 * <p>Like {@code ProtocolViolation}, it has no stack trace: bad input is an expected outcome.
 */
public final class HttpHeadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong; each limit has its own kind so that metrics and responses can tell them apart. */
    public enum Kind {
        /** The bytes are not a well-formed HTTP/1.1 head. */
        MALFORMED,
        /** The head grew past {@link HttpHeadLimits#maxHeadBytes()}. */
        HEAD_TOO_LARGE,
        /** The head has more header lines than {@link HttpHeadLimits#maxHeaderCount()}. */
        TOO_MANY_HEADERS
    }

    private final Kind kind;

    /**
     * @param kind   what went wrong
     * @param reason one line saying which rule was broken
     */
    public HttpHeadException(Kind kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** Whether a limit was crossed (rather than the syntax broken). */
    public boolean isLimitExceeded() {
        return kind != Kind.MALFORMED;
    }

    static HttpHeadException malformed(String reason) {
        return new HttpHeadException(Kind.MALFORMED, reason);
    }
}
