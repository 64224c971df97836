package dev.duplex;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * An opening handshake request that passed the protocol's checks (version, key, origin), as an
 * {@link UpgradeCheck} sees it before the server answers. Immutable and safe to read from any
 * thread, for as long as the check needs it. It is not kept once the check has decided: a
 * connection keeps only the attributes the decision gives it.
 */
public interface UpgradeRequest {

    /** The method: always {@code GET} for a WebSocket upgrade. */
    String method();

    /** The request target as sent, still percent-encoded: {@code /chat?room=1}. */
    String target();

    /** The target's path, without the query, still percent-encoded: {@code /chat}. */
    String path();

    /** The target's query without the {@code ?}, still percent-encoded; empty when there is none. */
    String query();

    /**
     * The first value of query parameter {@code name}, percent-decoded as UTF-8 ({@code +} is a
     * space). A parameter given without {@code =} has the value {@code ""}; one whose encoding is
     * broken counts as absent.
     */
    Optional<String> queryParameter(String name);

    /** The first header called {@code name} (any case), its value without surrounding whitespace. */
    Optional<String> header(String name);

    /** Every header line called {@code name} (any case), in the order received; empty if none. */
    List<String> headers(String name);

    /** The names of the headers, each once, in the order they first appeared and as the client wrote them. */
    List<String> headerNames();

    /**
     * The value of cookie {@code name} from the {@code Cookie} header(s) (RFC 6265 §5.4; names
     * compare case-sensitively, surrounding double quotes are removed).
     */
    Optional<String> cookie(String name);

    /** The subprotocols the client offered ({@code Sec-WebSocket-Protocol}), in its order; empty if none. */
    List<String> subprotocols();

    /** The client's address (a proxy's, behind one: look at its forwarding headers then). */
    InetSocketAddress remoteAddress();

    /**
     * The TLS session of a wss:// request, its handshake already complete: protocol, cipher
     * suite, the client's certificates. Empty for ws://.
     */
    Optional<SSLSession> tlsSession();

    /**
     * The certificate chain the client presented and the TLS handshake verified, its own
     * certificate first (mutual TLS, see {@link WebSocketServer.Builder#clientAuth}). Empty for
     * ws:// and for a client that presented none.
     */
    List<X509Certificate> peerCertificates();
}
