package dev.duplex.protocol;

/**
 * The peer broke a rule of the protocol: carries the close code the RFC names for it and a short
 * reason that is safe to send to the peer.
 *
 * <p>Checked, so that every parser path declares it; the connection turns it into a close frame
 * and an event, never into a stack trace sent to the peer. It has no stack trace of its own: it is
 * an expected outcome of bad input, and creating it must stay cheap.
 */
public final class ProtocolViolation extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code   the close code to send (1002, 1007, 1009, ...)
     * @param reason what was wrong, at most 123 UTF-8 bytes once sent
     */
    public ProtocolViolation(int code, String reason) {
        super(reason, null, false, false);
        this.code = code;
    }

    /** The close code the RFC names for this violation. */
    public int code() {
        return code;
    }

    /** The status to send to the peer. */
    public CloseStatus status() {
        return new CloseStatus(code, Utf8Validator.truncate(getMessage(), CloseStatus.MAX_REASON_BYTES));
    }

    /** 1002: the peer broke the framing or handshake rules. */
    public static ProtocolViolation protocolError(String reason) {
        return new ProtocolViolation(CloseStatus.PROTOCOL_ERROR, reason);
    }

    /** 1007: a text payload was not UTF-8, or an extension's data was corrupt. */
    public static ProtocolViolation invalidPayload(String reason) {
        return new ProtocolViolation(CloseStatus.INVALID_PAYLOAD, reason);
    }

    /** 1009: a frame or message exceeded a configured limit. */
    public static ProtocolViolation tooBig(String reason) {
        return new ProtocolViolation(CloseStatus.MESSAGE_TOO_BIG, reason);
    }
}
