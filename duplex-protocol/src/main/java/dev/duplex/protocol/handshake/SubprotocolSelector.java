package dev.duplex.protocol.handshake;

import java.util.List;
import java.util.Optional;

/**
 * Server role: picks the subprotocol for a connection from those the client offered
 * ({@code Sec-WebSocket-Protocol}, RFC 6455 §4.2.2). Subprotocol names are compared exactly,
 * case included, as browsers compare them.
 */
@FunctionalInterface
public interface SubprotocolSelector {

    /**
     * @param offered the client's subprotocols in its order of preference, never empty (the
     *                selector is not consulted when the client offers none)
     * @return one of {@code offered}, or empty to use none (the client then decides whether to
     *         go on)
     */
    Optional<String> select(List<String> offered);

    /** Never selects a subprotocol. */
    static SubprotocolSelector none() {
        return offered -> Optional.empty();
    }

    /**
     * Selects the first of {@code supported} (the server's order of preference) that the client
     * offered.
     */
    static SubprotocolSelector firstSupported(List<String> supported) {
        List<String> copy = List.copyOf(supported);
        return offered -> copy.stream().filter(offered::contains).findFirst();
    }
}
