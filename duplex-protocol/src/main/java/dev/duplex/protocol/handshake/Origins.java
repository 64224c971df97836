package dev.duplex.protocol.handshake;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** Compares an {@code Origin} with a {@code Host} header for {@link OriginPolicy#sameOrigin()}. */
final class Origins {
    private Origins() {}

    static boolean sameAuthority(String origin, String hostHeader) {
        Optional<URI> parsed = parse(origin);
        if (parsed.isEmpty() || parsed.get().getHost() == null || parsed.get().getScheme() == null) {
            return false;
        }
        URI u = parsed.get();
        int defaultPort = defaultPort(u.getScheme());
        String originAuthority = u.getPort() < 0 || u.getPort() == defaultPort
                ? u.getHost()
                : u.getHost() + ":" + u.getPort();
        String host = hostHeader;
        if (defaultPort > 0 && host.endsWith(":" + defaultPort)) {
            host = host.substring(0, host.length() - (":" + defaultPort).length());
        }
        return originAuthority.equalsIgnoreCase(host);
    }

    private static int defaultPort(String scheme) {
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http":
            case "ws":
                return 80;
            case "https":
            case "wss":
                return 443;
            default:
                return -1;
        }
    }

    private static Optional<URI> parse(String origin) {
        try {
            return Optional.of(new URI(origin));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
