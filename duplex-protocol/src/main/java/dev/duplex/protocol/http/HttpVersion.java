package dev.duplex.protocol.http;

/**
 * An HTTP version as written in a start line: {@code HTTP/major.minor}, one digit each.
 *
 * @param major 0–9
 * @param minor 0–9
 */
public record HttpVersion(int major, int minor) implements Comparable<HttpVersion> {
    /** HTTP/1.0. */
    public static final HttpVersion HTTP_1_0 = new HttpVersion(1, 0);
    /** HTTP/1.1, the only version WebSocket handshakes are defined over here. */
    public static final HttpVersion HTTP_1_1 = new HttpVersion(1, 1);

    public HttpVersion {
        if (major < 0 || major > 9 || minor < 0 || minor > 9) {
            throw new IllegalArgumentException("HTTP version digits must be 0-9, got " + major + "." + minor);
        }
    }

    /** Whether this version is {@code other} or a later one. */
    public boolean isAtLeast(HttpVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(HttpVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    /** Parses exactly {@code HTTP/d.d}; null if {@code s} is anything else. */
    static HttpVersion parseOrNull(String s) {
        if (s.length() != 8 || !s.startsWith("HTTP/") || s.charAt(6) != '.') {
            return null;
        }
        char major = s.charAt(5);
        char minor = s.charAt(7);
        if (!isDigit(major) || !isDigit(minor)) {
            return null;
        }
        return new HttpVersion(major - '0', minor - '0');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    @Override
    public String toString() {
        return "HTTP/" + major + "." + minor;
    }
}
