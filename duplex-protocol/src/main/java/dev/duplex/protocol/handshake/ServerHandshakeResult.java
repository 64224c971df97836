package dev.duplex.protocol.handshake;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.http.HttpRequestHead;
import java.util.List;
import java.util.Objects;

/**
 * What a server does with an opening handshake: {@link Accepted} (send the 101 and switch to
 * WebSocket frames) or {@link Rejected} (send the complete HTTP response and close). Either way the
 * bytes to send are ready in {@link #response()}.
 */
public sealed interface ServerHandshakeResult {

    /** The complete bytes to write to the client: a 101 head, or a whole error response. */
    byte[] response();

    /**
     * The handshake succeeded.
     *
     * @param request     the client's request
     * @param subprotocol the subprotocol selected, or null for none
     * @param extensions  the extensions agreed, in the order the response lists them; the
     *                    connection owns them and must close them
     * @param response    the 101 Switching Protocols head
     */
    record Accepted(HttpRequestHead request, String subprotocol, List<Extension> extensions, byte[] response)
            implements ServerHandshakeResult {
        public Accepted {
            Objects.requireNonNull(request, "request");
            extensions = List.copyOf(extensions);
            response = response.clone();
        }

        /** A copy of the 101 head's bytes. */
        @Override
        public byte[] response() {
            return response.clone();
        }
    }

    /**
     * The handshake was refused.
     *
     * @param kind     why, which also decides the status
     * @param reason   one line saying which rule was broken, also the response body
     * @param response the complete HTTP response: head and body, with {@code Connection: close}
     */
    record Rejected(RejectionKind kind, String reason, byte[] response) implements ServerHandshakeResult {
        public Rejected {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(reason, "reason");
            response = response.clone();
        }

        /** The HTTP status of the response. */
        public int statusCode() {
            return kind.statusCode();
        }

        /**
         * Whether this is a plain HTTP request rather than a broken WebSocket one, so that a
         * runtime serving HTTP on the same port may answer it differently.
         */
        public boolean isPlainHttpRequest() {
            return kind == RejectionKind.NOT_A_WEBSOCKET_REQUEST;
        }

        /** A copy of the response's bytes. */
        @Override
        public byte[] response() {
            return response.clone();
        }
    }
}
