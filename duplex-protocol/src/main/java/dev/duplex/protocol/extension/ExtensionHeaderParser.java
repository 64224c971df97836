package dev.duplex.protocol.extension;

import dev.duplex.protocol.http.HttpTokens;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the value of a {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1):
 * <pre>
 *   extension-list = 1#extension
 *   extension      = token *( ";" param )
 *   param          = token [ "=" (token | quoted-string) ]
 * </pre>
 * Optional whitespace is allowed around {@code ,}, {@code ;} and {@code =}; empty list elements
 * are skipped (RFC 9110 §5.6.1). A quoted value must be a token once unquoted, as §9.1 requires.
 * Error messages give the index of the problem but never echo the peer's text, so they are safe
 * to put in a 400 response.
 */
final class ExtensionHeaderParser {
    private final String s;
    private int pos;

    private ExtensionHeaderParser(String s) {
        this.s = s;
    }

    static List<ExtensionOffer> parse(String headerValue) throws ExtensionNegotiationException {
        return new ExtensionHeaderParser(headerValue).list();
    }

    private List<ExtensionOffer> list() throws ExtensionNegotiationException {
        List<ExtensionOffer> offers = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (atEnd()) {
                return offers;
            }
            if (peek() == ',') {
                pos++; // an empty list element
                continue;
            }
            offers.add(extension());
            skipWhitespace();
            if (atEnd()) {
                return offers;
            }
            if (peek() != ',') {
                throw error("expected ',' or ';'");
            }
            pos++;
        }
    }

    private ExtensionOffer extension() throws ExtensionNegotiationException {
        String name = token("an extension name");
        List<ExtensionParameter> params = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (atEnd() || peek() != ';') {
                return new ExtensionOffer(name, params);
            }
            pos++;
            skipWhitespace();
            String paramName = token("a parameter name");
            skipWhitespace();
            String value = null;
            if (!atEnd() && peek() == '=') {
                pos++;
                skipWhitespace();
                value = !atEnd() && peek() == '"' ? quotedToken() : token("a parameter value");
            }
            params.add(new ExtensionParameter(paramName, value));
        }
    }

    private String token(String what) throws ExtensionNegotiationException {
        int start = pos;
        while (!atEnd() && HttpTokens.isTokenChar(peek())) {
            pos++;
        }
        if (pos == start) {
            throw error("expected " + what);
        }
        return s.substring(start, pos);
    }

    /** A quoted-string whose content, unescaped, must be a token. */
    private String quotedToken() throws ExtensionNegotiationException {
        int start = pos;
        pos++; // the opening quote
        StringBuilder value = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw new ExtensionNegotiationException("unterminated quoted string starting at index " + start);
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (atEnd()) {
                    throw new ExtensionNegotiationException("unterminated quoted string starting at index " + start);
                }
                c = s.charAt(pos++);
            }
            if (c != '\t' && (c < 0x20 || c == 0x7F || c > 0xFF)) {
                pos--;
                throw error("control character in a quoted string");
            }
            value.append(c);
        }
        String unquoted = value.toString();
        if (!HttpTokens.isToken(unquoted)) {
            throw new ExtensionNegotiationException("quoted parameter value at index " + start
                    + " is not a token once unquoted (RFC 6455 §9.1)");
        }
        return unquoted;
    }

    private void skipWhitespace() {
        while (!atEnd() && HttpTokens.isWhitespace(peek())) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= s.length();
    }

    private char peek() {
        return s.charAt(pos);
    }

    private ExtensionNegotiationException error(String what) {
        return new ExtensionNegotiationException("malformed Sec-WebSocket-Extensions: " + what + " at index " + pos);
    }
}
