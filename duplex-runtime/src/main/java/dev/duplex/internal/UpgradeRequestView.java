package dev.duplex.internal;

import dev.duplex.UpgradeRequest;
import dev.duplex.protocol.http.HttpHeader;
import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpRequestHead;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The parsed request head seen through {@link UpgradeRequest}. Made on the event loop when a
 * check starts and dropped with the decision, so nothing here costs an open connection anything.
 * Everything it holds is immutable or thread-safe (the TLS session is captured on the loop), so a
 * check may read it from any thread.
 */
final class UpgradeRequestView implements UpgradeRequest {
    private final HttpRequestHead head;
    private final String path;
    private final String query;
    private final InetSocketAddress remote;
    private final SSLSession tls;

    UpgradeRequestView(HttpRequestHead head, String path, InetSocketAddress remote, SSLSession tls) {
        this.head = head;
        this.path = path;
        int q = head.target().indexOf('?');
        this.query = q < 0 ? "" : head.target().substring(q + 1);
        this.remote = remote;
        this.tls = tls;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String target() {
        return head.target();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public Optional<String> queryParameter(String name) {
        if (query.isEmpty()) {
            return Optional.empty();
        }
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', from);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            try {
                if (decode(query.substring(from, nameEnd)).equals(name)) {
                    return Optional.of(nameEnd == end ? "" : decode(query.substring(nameEnd + 1, end)));
                }
            } catch (IllegalArgumentException e) {
                // broken percent-encoding: the client's mistake, and no parameter anyone asked for
            }
            from = end + 1;
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public Optional<String> header(String name) {
        return head.headers().first(name);
    }

    @Override
    public List<String> headers(String name) {
        return head.headers().values(name);
    }

    @Override
    public List<String> headerNames() {
        HttpHeaders headers = head.headers();
        List<String> names = new ArrayList<>(headers.size());
        for (HttpHeader h : headers.asList()) {
            boolean seen = false;
            for (String n : names) {
                seen |= h.hasName(n);
            }
            if (!seen) {
                names.add(h.name());
            }
        }
        return Collections.unmodifiableList(names);
    }

    @Override
    public Optional<String> cookie(String name) {
        for (String line : head.headers().values("Cookie")) {
            for (String pair : line.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String value = pair.substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> subprotocols() {
        return head.headers().tokens("Sec-WebSocket-Protocol");
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return Optional.ofNullable(tls);
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        if (tls == null) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : tls.getPeerCertificates()) {
                if (c instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client presented none
        }
    }

    @Override
    public String toString() {
        return head.method() + " " + head.target() + " from " + remote;
    }
}
