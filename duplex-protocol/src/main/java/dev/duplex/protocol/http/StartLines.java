package dev.duplex.protocol.http;

import java.util.function.Function;

/**
 * Parsers for the two kinds of start line. Each returns how to finish the head once its headers
 * have arrived, so that the start line is checked (and fails) as soon as its CRLF is seen.
 */
final class StartLines {
    private StartLines() {}

    /** {@code method SP request-target SP HTTP-version}, single spaces, nothing else. */
    static Function<HttpHeaders, HttpRequestHead> requestLine(String line) throws HttpHeadException {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 < 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw HttpHeadException.malformed("request line must be METHOD SP request-target SP HTTP/x.y");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        HttpVersion version = HttpVersion.parseOrNull(line.substring(sp2 + 1));
        if (!HttpTokens.isToken(method)) {
            throw HttpHeadException.malformed("request method is not a token");
        }
        if (!HttpTokens.isRequestTarget(target)) {
            throw HttpHeadException.malformed("request-target must be non-empty visible ASCII");
        }
        if (version == null) {
            throw HttpHeadException.malformed("request line must end with HTTP/x.y");
        }
        return headers -> new HttpRequestHead(method, target, version, headers);
    }

    /**
     * {@code HTTP-version SP status-code SP reason-phrase}. The reason may be empty; a line that
     * stops right after the code (no second space) is accepted too, because servers send it and
     * the reason carries no meaning (RFC 9112 §4).
     */
    static Function<HttpHeaders, HttpResponseHead> statusLine(String line) throws HttpHeadException {
        if (line.length() < 12 || line.charAt(8) != ' ') {
            throw HttpHeadException.malformed("status line must be HTTP/x.y SP 3-digit-code SP reason");
        }
        HttpVersion version = HttpVersion.parseOrNull(line.substring(0, 8));
        if (version == null) {
            throw HttpHeadException.malformed("status line must start with HTTP/x.y");
        }
        char d1 = line.charAt(9);
        char d2 = line.charAt(10);
        char d3 = line.charAt(11);
        if (!HttpVersion.isDigit(d1) || !HttpVersion.isDigit(d2) || !HttpVersion.isDigit(d3) || d1 == '0') {
            throw HttpHeadException.malformed("status code must be three digits, 100-999");
        }
        int code = (d1 - '0') * 100 + (d2 - '0') * 10 + (d3 - '0');
        String reason;
        if (line.length() == 12) {
            reason = "";
        } else if (line.charAt(12) == ' ') {
            reason = line.substring(13);
        } else {
            throw HttpHeadException.malformed("status code must be followed by SP and the reason phrase");
        }
        if (HttpTokens.indexOfInvalidFieldValueChar(reason) >= 0) {
            throw HttpHeadException.malformed("reason phrase holds a control character");
        }
        return headers -> new HttpResponseHead(version, code, reason, headers);
    }

    /** {@code field-name ":" OWS field-value OWS}; no space before the colon (RFC 9112 §5.1). */
    static HttpHeader headerLine(String line) throws HttpHeadException {
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw HttpHeadException.malformed("header line has no colon");
        }
        if (colon == 0) {
            throw HttpHeadException.malformed("header line has an empty name");
        }
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            if (HttpTokens.isWhitespace(c)) {
                throw HttpHeadException.malformed("whitespace between a header name and its colon");
            }
            if (!HttpTokens.isTokenChar(c)) {
                throw HttpHeadException.malformed("header name holds a character that is not allowed in a token");
            }
        }
        String name = line.substring(0, colon);
        String value = HttpTokens.trimWhitespace(line, colon + 1, line.length());
        if (HttpTokens.indexOfInvalidFieldValueChar(value) >= 0) {
            throw HttpHeadException.malformed("header " + shortened(name) + " holds a control character in its value");
        }
        return new HttpHeader(name, value);
    }

    /** Keeps messages one short line even when a peer sends an 8 KiB name. */
    private static String shortened(String token) {
        return token.length() <= 40 ? token : token.substring(0, 40) + "...";
    }
}
