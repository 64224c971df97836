package dev.duplex.cli.bench;

import dev.duplex.Tls;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How the generator's wss:// connections trust the server: the JDK's trust store (the default),
 * given PEM certificates ({@code --trust-cert}), or anything ({@code --insecure}: no certificate or
 * hostname check). Makes one client-mode {@link SSLEngine} per connection: TLS 1.3 and 1.2, SNI
 * and hostname verification for the URL's host (unless insecure).
 */
final class TlsClient {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;
    private final boolean insecure;
    /** What the trust is, for the report: "system", "cert.pem", "insecure". */
    final String trust;

    private TlsClient(SSLContext context, boolean insecure, String trust) {
        this.context = context;
        this.insecure = insecure;
        this.trust = trust;
    }

    /** The JDK's trust store (cacerts, or what javax.net.ssl.trustStore names). */
    static TlsClient system() {
        return new TlsClient(Tls.clientDefault(), false, "system");
    }

    /** Exactly the certificates in {@code pem} (and those they issued); hostnames still verified. */
    static TlsClient trusting(Path pem) throws IOException {
        return new TlsClient(Tls.clientTrusting(pem), false, pem.toString());
    }

    /** Any certificate, any hostname: for self-signed test servers only. */
    static TlsClient insecure() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {new TrustAll()}, null);
            return new TlsClient(c, true, "insecure");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** A client engine for one connection to {@code host}, its handshake not begun. */
    SSLEngine engine(String host, int port) {
        SSLEngine e = context.createSSLEngine(host, port); // the peer host gives SNI (for names, not IPs)
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        List<String> supported = List.of(e.getSupportedProtocols());
        List<String> protocols = new ArrayList<>();
        for (String proto : PROTOCOLS) {
            if (supported.contains(proto)) {
                protocols.add(proto);
            }
        }
        p.setProtocols(protocols.toArray(new String[0]));
        if (!insecure) {
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        }
        e.setSSLParameters(p);
        return e;
    }

    /** A handshake failure in words a user can act on. */
    static String explain(SSLException e, String host) {
        String all = chain(e);
        String m = all.toLowerCase(Locale.ROOT);
        String fix = "; pass --trust-cert FILE with the server's certificate (or its CA's), or --insecure for a"
                + " test server";
        if (has(e, CertificateExpiredException.class) || has(e, CertificateNotYetValidException.class)
                || m.contains("validity check failed")) {
            return "TLS handshake failed: the server's certificate is expired or not yet valid (" + all + ")"
                    + "; --insecure skips the check on a test server";
        }
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return "TLS handshake failed: the server's certificate does not name " + host + " (" + all + ")"
                    + "; connect by a name it has, or pass --insecure for a test server";
        }
        if (m.contains("pkix") || m.contains("certification path") || m.contains("unable to find valid")
                || m.contains("trust anchor") || m.contains("certificate_unknown") || m.contains("signature check failed")) {
            return "TLS handshake failed: the server's certificate is not trusted (" + all + ")" + fix;
        }
        if (m.contains("protocol_version") || m.contains("no appropriate protocol") || m.contains("unsupported protocol")) {
            return "TLS handshake failed: the server speaks neither TLS 1.3 nor 1.2 (" + all + ")";
        }
        if (m.contains("plaintext") || m.contains("unrecognized ssl message") || m.contains("not an ssl")) {
            return "TLS handshake failed: the server does not speak TLS on that port; use ws:// (" + all + ")";
        }
        return "TLS handshake failed: " + all;
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The messages of {@code t} and its causes, deepest (most specific) last, repeats left out. */
    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        String last = null;
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            String msg = c.getMessage() == null ? c.getClass().getSimpleName()
                    : c.getMessage().replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ", "");
            if (last != null && last.contains(msg)) {
                continue;
            }
            if (b.length() > 0) {
                b.append(": ");
            }
            b.append(msg);
            last = msg;
        }
        return b.toString();
    }

    /** Accepts every certificate; with no endpoint identification set, no hostname check either. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
