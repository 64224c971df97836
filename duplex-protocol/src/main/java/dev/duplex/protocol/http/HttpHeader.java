package dev.duplex.protocol.http;

import java.util.Objects;

/**
 * One header line: a name and its value with surrounding whitespace removed.
 *
 * <p>The constructor refuses anything that could not be written back safely: a name that is not a
 * token, or a value holding CR, LF or other control characters. That keeps header injection out of
 * every head this package writes.
 *
 * @param name  the header name as received or given (compare it case-insensitively)
 * @param value the value, ISO-8859-1 characters other than controls (HTAB allowed)
 */
public record HttpHeader(String name, String value) {
    /** @throws IllegalArgumentException naming the offending part */
    public HttpHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (!HttpTokens.isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: " + printable(name));
        }
        int bad = HttpTokens.indexOfInvalidFieldValueChar(value);
        if (bad >= 0) {
            throw new IllegalArgumentException("header " + name + " has a forbidden character 0x"
                    + Integer.toHexString(value.charAt(bad)) + " at index " + bad + " of its value");
        }
    }

    /** Whether this header is called {@code otherName}, ignoring case. */
    public boolean hasName(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }

    /** {@code s} with control characters shown as escapes, for messages about bad input. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                b.append(String.format("\\x%02X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
