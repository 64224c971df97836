package dev.duplex.protocol.handshake;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionFactory;
import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Both halves of {@code Sec-WebSocket-Extensions} negotiation (RFC 6455 §9.1). Whatever fails,
 * the extensions already made are closed before the failure is reported: they may hold native
 * memory (zlib).
 */
final class ExtensionNegotiation {
    private ExtensionNegotiation() {}

    /**
     * Server role: tries the client's offers in order. The factory named by an offer may accept
     * it; the first acceptance per name wins and later offers of that name are not asked about.
     * An acceptance that wants RSV bits an earlier extension already owns is dropped (and
     * closed): two extensions cannot share a bit.
     *
     * @throws ExtensionNegotiationException if a factory finds an offer malformed
     */
    static List<Extension> serverAccept(List<ExtensionOffer> offers, List<ExtensionFactory> factories)
            throws ExtensionNegotiationException {
        List<Extension> accepted = new ArrayList<>();
        Set<String> acceptedNames = new HashSet<>();
        boolean done = false;
        try {
            int ownedBits = 0;
            for (ExtensionOffer offer : offers) {
                Optional<ExtensionFactory> factory = find(factories, offer.name());
                if (factory.isEmpty() || acceptedNames.contains(lowerCase(offer.name()))) {
                    continue;
                }
                Optional<Extension> extension = factory.get().accept(offer);
                if (extension.isEmpty()) {
                    continue;
                }
                if ((extension.get().rsvBits() & ownedBits) != 0) {
                    extension.get().close();
                    continue;
                }
                ownedBits |= extension.get().rsvBits();
                accepted.add(extension.get());
                acceptedNames.add(lowerCase(offer.name()));
            }
            done = true;
            return List.copyOf(accepted);
        } finally {
            if (!done) {
                closeAll(accepted);
            }
        }
    }

    /**
     * Client role: checks every extension the server's response lists was offered by name,
     * appears once, and is agreed to by its factory, and that no two share an RSV bit.
     *
     * @param offered the factories whose offers were sent
     * @throws HandshakeException naming the first extension that is wrong
     */
    static List<Extension> clientAccept(List<ExtensionOffer> responses, List<ExtensionFactory> offered)
            throws HandshakeException {
        List<Extension> accepted = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean done = false;
        try {
            int ownedBits = 0;
            for (ExtensionOffer response : responses) {
                if (!names.add(lowerCase(response.name()))) {
                    throw extensionError("server's response lists extension " + response.name() + " more than once");
                }
                ExtensionFactory factory = find(offered, response.name())
                        .orElseThrow(() -> extensionError("server accepted extension " + response.name()
                                + " that was not offered"));
                Extension extension;
                try {
                    extension = factory.accepted(response);
                } catch (ExtensionNegotiationException e) {
                    throw extensionError("server's terms for extension " + response.name() + " are not acceptable: "
                            + e.getMessage());
                }
                accepted.add(extension);
                if ((extension.rsvBits() & ownedBits) != 0) {
                    throw extensionError("extension " + response.name() + " wants an RSV bit an earlier extension owns");
                }
                ownedBits |= extension.rsvBits();
            }
            done = true;
            return List.copyOf(accepted);
        } finally {
            if (!done) {
                closeAll(accepted);
            }
        }
    }

    static Optional<ExtensionFactory> find(List<ExtensionFactory> factories, String name) {
        for (ExtensionFactory f : factories) {
            if (f.name().equalsIgnoreCase(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static String lowerCase(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    static void closeAll(List<Extension> extensions) {
        for (Extension e : extensions) {
            e.close();
        }
    }

    private static HandshakeException extensionError(String message) {
        return new HandshakeException(HandshakeException.Kind.BAD_EXTENSION, message);
    }
}
