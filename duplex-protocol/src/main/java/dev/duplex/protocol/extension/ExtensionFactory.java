package dev.duplex.protocol.extension;

import java.util.List;
import java.util.Optional;

/**
 * Negotiates one kind of extension (one {@link #name()}) during the opening handshake and makes
 * the per-connection {@link Extension}.
 */
public interface ExtensionFactory {

    /** The extension token, for example {@code permessage-deflate}. */
    String name();

    /**
     * Server role: looks at one offer the client made for this extension (offers are tried in
     * the client's order of preference) and accepts it or declines it.
     *
     * @return the extension with the parameters agreed, or empty to decline this offer
     * @throws ExtensionNegotiationException if the offer is malformed (the handshake fails
     *                                       with 400)
     */
    Optional<Extension> accept(ExtensionOffer offer) throws ExtensionNegotiationException;

    /** Client role: the offers to send, most preferred first. */
    List<ExtensionOffer> offers();

    /**
     * Client role: checks the server's answer against what was offered and makes the extension.
     *
     * @throws ExtensionNegotiationException naming what the server got wrong
     */
    Extension accepted(ExtensionOffer response) throws ExtensionNegotiationException;
}
