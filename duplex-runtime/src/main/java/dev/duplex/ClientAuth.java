package dev.duplex;

/**
 * Whether a wss:// server asks its clients for a certificate (mutual TLS); see
 * {@link WebSocketServer.Builder#clientAuth}. Which certificates count as valid is up to the
 * server's {@code SSLContext}: make it with {@link Tls#serverFromPem(java.nio.file.Path,
 * java.nio.file.Path, java.nio.file.Path)} to trust exactly the CA that issues your clients'
 * certificates.
 */
public enum ClientAuth {
    /** Clients are not asked for a certificate (the default). */
    NONE,
    /**
     * Clients are asked for a certificate and may connect without one; one they do present must
     * be valid, or the TLS handshake fails. {@link WebSocket#peerCertificates()} tells which.
     */
    OPTIONAL,
    /**
     * Clients must present a valid certificate: without one, or with one the server does not
     * trust, the TLS handshake fails and no WebSocket is opened.
     */
    REQUIRED
}
