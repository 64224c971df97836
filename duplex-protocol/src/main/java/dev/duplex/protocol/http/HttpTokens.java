package dev.duplex.protocol.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The small pieces of HTTP syntax (RFC 9110 §5.6) that headers, the handshake and extension
 * negotiation share: tokens and comma-separated lists.
 */
public final class HttpTokens {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpTokens() {}

    /** Whether {@code c} may appear in a token. */
    public static boolean isTokenChar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    /** Whether {@code s} is a non-empty token. */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} is optional whitespace (SP or HTAB). */
    public static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The elements of a comma-separated list ({@code #element}, RFC 9110 §5.6.1), each with the
     * surrounding whitespace removed. Empty elements ({@code "a, ,b"}) are skipped, as the RFC
     * asks recipients to do. The elements are not checked to be tokens.
     */
    public static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start <= value.length()) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            String element = trimWhitespace(value, start, end);
            if (!element.isEmpty()) {
                out.add(element);
            }
            start = end + 1;
        }
        return out;
    }

    /** {@code s[from, to)} without leading and trailing SP and HTAB. */
    static String trimWhitespace(String s, int from, int to) {
        while (from < to && isWhitespace(s.charAt(from))) {
            from++;
        }
        while (to > from && isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /** Whether {@code c} may appear in a field value: HTAB, SP, VCHAR or obs-text (RFC 9110 §5.5). */
    static boolean isFieldValueChar(int c) {
        return c == '\t' || (c >= 0x20 && c <= 0x7E) || (c >= 0x80 && c <= 0xFF);
    }

    /** Index of the first character of {@code s} that may not appear in a field value, or -1. */
    static int indexOfInvalidFieldValueChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isFieldValueChar(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code s} is a plausible request-target: non-empty visible ASCII, no spaces. */
    static boolean isRequestTarget(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }
}
