package dev.duplex.protocol.handshake;

import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpResponseHead;
import dev.duplex.protocol.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds the complete HTTP responses that refuse a handshake. */
final class Rejections {
    /** Long enough for any rule's name; short enough that a reason never becomes a payload. */
    private static final int MAX_REASON_CHARS = 200;

    private Rejections() {}

    /**
     * A rejection with a {@code text/plain} body holding {@code reason} on one line, and
     * {@code Connection: close}: after a refusal the connection carries nothing else.
     */
    static ServerHandshakeResult.Rejected reject(RejectionKind kind, String reason) {
        String line = oneLine(reason);
        byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        HttpHeaders.Builder headers = HttpHeaders.builder()
                .add("Content-Type", "text/plain; charset=utf-8")
                .add("Content-Length", Integer.toString(body.length))
                .add(WebSocketHeaders.CONNECTION, "close");
        if (kind.statusCode() == HttpStatus.UPGRADE_REQUIRED) {
            // RFC 6455 §4.4 asks for the versions we speak; RFC 9110 §15.5.22 for the protocol to upgrade to.
            headers.add(WebSocketHeaders.SEC_WEBSOCKET_VERSION, WebSocketHeaders.VERSION)
                    .add(WebSocketHeaders.UPGRADE, WebSocketHeaders.WEBSOCKET);
        }
        if (kind == RejectionKind.METHOD_NOT_ALLOWED) {
            headers.add("Allow", "GET"); // RFC 9110 §15.5.6: a 405 must say what is allowed
        }
        byte[] head = HttpResponseHead.of(kind.statusCode(), headers.build()).toBytes();
        byte[] response = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, response, head.length, body.length);
        return new ServerHandshakeResult.Rejected(kind, line, response);
    }

    /**
     * {@code reason} as one short line of printable text: reasons can carry an extension's
     * message, and nothing from it may break the response or grow without bound.
     */
    static String oneLine(String reason) {
        StringBuilder b = new StringBuilder(Math.min(reason.length(), MAX_REASON_CHARS));
        for (int i = 0; i < reason.length() && b.length() < MAX_REASON_CHARS; i++) {
            char c = reason.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString().strip();
    }
}
