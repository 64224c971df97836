package dev.duplex.protocol.handshake;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A {@code ws://} or {@code wss://} URI taken apart as the client needs it (RFC 6455 §3):
 * where to connect, the {@code Host} header and the request-target.
 *
 * @param uri           the URI as given
 * @param secure        true for {@code wss} (TLS)
 * @param host          the host to connect to, IPv6 literals without brackets
 * @param port          the port to connect to: the URI's, or 80 for ws and 443 for wss
 * @param hostHeader    the {@code Host} header: the host (IPv6 in brackets), with
 *                      {@code :port} only when the port is not the scheme's default
 * @param requestTarget the path ({@code /} if empty) and {@code ?query} if the query is not empty,
 *                      percent-encoded as in the URI
 */
public record WebSocketUri(URI uri, boolean secure, String host, int port, String hostHeader, String requestTarget) {
    public WebSocketUri {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(hostHeader, "hostHeader");
        Objects.requireNonNull(requestTarget, "requestTarget");
    }

    /**
     * Takes {@code uri} apart.
     *
     * @throws IllegalArgumentException naming the problem: a scheme other than ws or wss, no host,
     *                                  user info, or a fragment (RFC 6455 §3 forbids fragments)
     */
    public static WebSocketUri of(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
            throw new IllegalArgumentException("WebSocket URI must use the ws or wss scheme, not "
                    + (scheme == null ? "none" : scheme) + ": " + uri);
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            throw new IllegalArgumentException("WebSocket URI has no host: " + uri);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("WebSocket URI must not have a fragment (RFC 6455 §3): " + uri);
        }
        if (uri.getRawUserInfo() != null) {
            // Not in RFC 6455's grammar, and silently dropping credentials would surprise.
            throw new IllegalArgumentException("WebSocket URI must not have user info; send credentials in a header");
        }
        boolean secure = scheme.equals("wss");
        int defaultPort = secure ? 443 : 80;
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        String bracketedHost = uri.getHost();
        String host = bracketedHost.startsWith("[") && bracketedHost.endsWith("]")
                ? bracketedHost.substring(1, bracketedHost.length() - 1)
                : bracketedHost;
        String hostHeader = port == defaultPort ? bracketedHost : bracketedHost + ":" + port;
        return new WebSocketUri(uri, secure, host, port, hostHeader, requestTarget(uri));
    }

    private static String requestTarget(URI uri) {
        // toASCIIString percent-encodes any non-ASCII characters the URI kept as they were.
        URI ascii = URI.create(uri.toASCIIString());
        String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
        String query = ascii.getRawQuery();
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }
}
