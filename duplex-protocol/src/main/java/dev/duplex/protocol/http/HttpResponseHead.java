package dev.duplex.protocol.http;

import java.util.Objects;

/**
 * The head of an HTTP response: status line and headers.
 *
 * @param version    the protocol version
 * @param statusCode three digits, 100–999
 * @param reason     the reason phrase, possibly empty; informative only
 * @param headers    the header lines
 */
public record HttpResponseHead(HttpVersion version, int statusCode, String reason, HttpHeaders headers) {
    /** @throws IllegalArgumentException if the code is not three digits or the reason holds controls */
    public HttpResponseHead {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
        if (statusCode < 100 || statusCode > 999) {
            throw new IllegalArgumentException("status code must have three digits, was " + statusCode);
        }
        if (HttpTokens.indexOfInvalidFieldValueChar(reason) >= 0) {
            throw new IllegalArgumentException("reason phrase holds a control character: " + HttpHeader.printable(reason));
        }
    }

    /** An HTTP/1.1 response head with the standard reason phrase for {@code statusCode}. */
    public static HttpResponseHead of(int statusCode, HttpHeaders headers) {
        return new HttpResponseHead(HttpVersion.HTTP_1_1, statusCode, HttpStatus.reasonPhrase(statusCode), headers);
    }

    /** The status line without its CRLF: {@code HTTP/1.1 101 Switching Protocols}. */
    public String statusLine() {
        return version + " " + statusCode + " " + reason;
    }

    /** The complete head as bytes, ending with the blank line. */
    public byte[] toBytes() {
        return HeadWriter.write(statusLine(), headers);
    }
}
