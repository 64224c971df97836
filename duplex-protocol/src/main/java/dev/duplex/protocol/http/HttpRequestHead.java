package dev.duplex.protocol.http;

import java.util.Objects;

/**
 * The head of an HTTP request: request line and headers.
 *
 * @param method  the method token, case-sensitive ({@code GET})
 * @param target  the request-target as sent, still percent-encoded ({@code /chat?room=1})
 * @param version the protocol version
 * @param headers the header lines
 */
public record HttpRequestHead(String method, String target, HttpVersion version, HttpHeaders headers) {
    /** @throws IllegalArgumentException if the method is not a token or the target has spaces or controls */
    public HttpRequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(headers, "headers");
        if (!HttpTokens.isToken(method)) {
            throw new IllegalArgumentException("method is not a token: " + HttpHeader.printable(method));
        }
        if (!HttpTokens.isRequestTarget(target)) {
            throw new IllegalArgumentException("request-target must be non-empty visible ASCII: "
                    + HttpHeader.printable(target));
        }
    }

    /** An HTTP/1.1 request head. */
    public static HttpRequestHead of(String method, String target, HttpHeaders headers) {
        return new HttpRequestHead(method, target, HttpVersion.HTTP_1_1, headers);
    }

    /** The request line without its CRLF: {@code GET /chat HTTP/1.1}. */
    public String requestLine() {
        return method + " " + target + " " + version;
    }

    /** The complete head as bytes, ending with the blank line. */
    public byte[] toBytes() {
        return HeadWriter.write(requestLine(), headers);
    }
}
