package dev.duplex.protocol.handshake;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpResponseHead;
import java.util.List;
import java.util.Objects;

/**
 * A server's 101 that the client checked and accepted.
 *
 * @param subprotocol the subprotocol the server selected, or null for none
 * @param extensions  the extensions in effect, in the order the server listed them; the connection
 *                    owns them and must close them
 * @param response    the server's response head
 */
public record ClientHandshakeResult(String subprotocol, List<Extension> extensions, HttpResponseHead response) {
    /** Copies the extension list so the result stays immutable. */
    public ClientHandshakeResult {
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(response, "response");
    }

    /** The response's headers (cookies and the like for the application). */
    public HttpHeaders headers() {
        return response.headers();
    }
}
