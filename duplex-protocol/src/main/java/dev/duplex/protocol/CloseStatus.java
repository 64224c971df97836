package dev.duplex.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A WebSocket close status: a code (RFC 6455 §7.4) and a reason of at most 123 UTF-8 bytes.
 *
 * <p>Constants name the codes registered with IANA; any other code in 3000–4999 fits too.
 * {@link #NO_STATUS_RECEIVED}, {@link #ABNORMAL_CLOSURE} and {@link #TLS_HANDSHAKE_FAILED} are
 * reported to applications but never sent on the wire.
 *
 * @param code   the status code
 * @param reason the reason, never null, possibly empty
 */
public record CloseStatus(int code, String reason) {

    /** 1000: the purpose of the connection has been fulfilled. */
    public static final int NORMAL = 1000;
    /** 1001: the endpoint is going away (server shutdown, page navigation). */
    public static final int GOING_AWAY = 1001;
    /** 1002: the peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** 1003: a data type the endpoint cannot accept (text-only endpoint got binary, say). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** 1005: the close frame carried no status code. Never sent. */
    public static final int NO_STATUS_RECEIVED = 1005;
    /** 1006: the connection closed without a close frame. Never sent. */
    public static final int ABNORMAL_CLOSURE = 1006;
    /** 1007: a text message was not valid UTF-8, or an extension's data was corrupt. */
    public static final int INVALID_PAYLOAD = 1007;
    /** 1008: a message violated the endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** 1009: a message or frame was larger than the endpoint accepts. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** 1010: the client expected an extension the server did not negotiate. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** 1011: the server met an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** 1012: the service is restarting. */
    public static final int SERVICE_RESTART = 1012;
    /** 1013: try again later. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** 1014: a gateway got an invalid response from upstream. */
    public static final int BAD_GATEWAY = 1014;
    /** 1015: the TLS handshake failed. Never sent. */
    public static final int TLS_HANDSHAKE_FAILED = 1015;

    /** The longest reason that fits a control frame: 125 bytes less the 2-byte code. */
    public static final int MAX_REASON_BYTES = 123;

    /** Validates the reason's presence; use {@link #of(int, String)} to also check the wire rules. */
    public CloseStatus {
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * A status an application may send, checked against RFC 6455 §7.4: the code must be one that
     * may appear in a close frame and the reason must fit in 123 UTF-8 bytes.
     *
     * @throws IllegalArgumentException naming the rule that was broken
     */
    public static CloseStatus of(int code, String reason) {
        String r = reason == null ? "" : reason;
        if (!isSendable(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent: use 1000-1003, "
                    + "1007-1014 or an application code in 3000-4999");
        }
        int bytes = r.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason is " + bytes + " UTF-8 bytes; at most "
                    + MAX_REASON_BYTES + " fit in a close frame");
        }
        return new CloseStatus(code, r);
    }

    /**
     * Whether {@code code} may appear in a close frame on the wire: 1000–1003, 1007–1014 (IANA's
     * registered codes), or 3000–4999 (libraries, frameworks and applications). 1004, 1005, 1006
     * and 1015 are reserved; other codes below 3000 are unassigned.
     */
    public static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? Integer.toString(code) : code + " " + reason;
    }
}
