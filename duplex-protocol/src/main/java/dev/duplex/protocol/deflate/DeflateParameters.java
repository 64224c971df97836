package dev.duplex.protocol.deflate;

import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.extension.ExtensionParameter;
import java.util.HashSet;
import java.util.Set;

/**
 * The four parameters of permessage-deflate (RFC 7692 §7.1), parsed from one offer or response
 * and checked: known names only, each at most once, window bits 8–15.
 *
 * @param serverNoContextTakeover  the server resets its compressor after every message
 * @param clientNoContextTakeover  the client resets its compressor after every message
 * @param serverMaxWindowBits      the server's LZ77 window, or -1 when not given
 * @param clientMaxWindowBits      the client's window: -1 when absent, 0 when given without a
 *                                 value (an offer saying the client supports the parameter), else 8–15
 */
record DeflateParameters(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                         int serverMaxWindowBits, int clientMaxWindowBits) {

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    /**
     * @param isOffer an offer may carry client_max_window_bits without a value; a response may not
     * @throws ExtensionNegotiationException naming the parameter that breaks the rules
     */
    static DeflateParameters parse(ExtensionOffer offer, boolean isOffer) throws ExtensionNegotiationException {
        boolean serverNoCtx = false;
        boolean clientNoCtx = false;
        int serverBits = -1;
        int clientBits = -1;
        Set<String> seen = new HashSet<>();
        for (ExtensionParameter p : offer.parameters()) {
            String name = p.name().toLowerCase(java.util.Locale.ROOT);
            if (!seen.add(name)) {
                throw new ExtensionNegotiationException("permessage-deflate parameter " + name + " appears twice");
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER:
                    requireNoValue(p);
                    serverNoCtx = true;
                    break;
                case CLIENT_NO_CONTEXT_TAKEOVER:
                    requireNoValue(p);
                    clientNoCtx = true;
                    break;
                case SERVER_MAX_WINDOW_BITS:
                    if (!p.hasValue()) {
                        throw new ExtensionNegotiationException("server_max_window_bits needs a value 8-15");
                    }
                    serverBits = windowBits(p);
                    break;
                case CLIENT_MAX_WINDOW_BITS:
                    if (p.hasValue()) {
                        clientBits = windowBits(p);
                    } else if (isOffer) {
                        clientBits = 0;
                    } else {
                        throw new ExtensionNegotiationException("client_max_window_bits in a response needs a value 8-15");
                    }
                    break;
                default:
                    throw new ExtensionNegotiationException("unknown permessage-deflate parameter " + name);
            }
        }
        return new DeflateParameters(serverNoCtx, clientNoCtx, serverBits, clientBits);
    }

    private static void requireNoValue(ExtensionParameter p) throws ExtensionNegotiationException {
        if (p.hasValue()) {
            throw new ExtensionNegotiationException(p.name() + " takes no value");
        }
    }

    private static int windowBits(ExtensionParameter p) throws ExtensionNegotiationException {
        String v = p.value();
        // RFC 7692: 1*DIGIT without leading zeros, 8 to 15.
        if (!v.matches("[1-9][0-9]?")) {
            throw new ExtensionNegotiationException(p.name() + " must be 8-15, was " + v);
        }
        int bits = Integer.parseInt(v);
        if (bits < 8 || bits > 15) {
            throw new ExtensionNegotiationException(p.name() + " must be 8-15, was " + bits);
        }
        return bits;
    }
}
