package dev.duplex.protocol.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The header lines of an HTTP head, immutable and in the order received or added.
 *
 * <p>Names are looked up case-insensitively. Repeated headers are kept as separate lines, so that
 * {@link #values(String)} gives every value in order and {@link #tokens(String)} can read a
 * comma-separated list spread over several lines ({@code Connection: keep-alive, Upgrade} and a
 * second {@code Connection:} line mean the same as one line with both). Lookups scan the lines:
 * a head has at most a few dozen.
 */
public final class HttpHeaders {
    /** No headers. */
    public static final HttpHeaders EMPTY = new HttpHeaders(List.of());

    private final List<HttpHeader> lines;

    private HttpHeaders(List<HttpHeader> lines) {
        this.lines = lines;
    }

    /** Headers from alternating names and values: {@code of("Host", "example.com", "Origin", "...")}. */
    public static HttpHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name, value pairs; got an odd number of strings");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every line, in order. */
    public List<HttpHeader> asList() {
        return lines;
    }

    /** How many lines there are. */
    public int size() {
        return lines.size();
    }

    /** Whether there are no lines. */
    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Whether at least one line is called {@code name}. */
    public boolean contains(String name) {
        return count(name) > 0;
    }

    /** How many lines are called {@code name}; more than one usually matters for handshake rules. */
    public int count(String name) {
        int n = 0;
        for (HttpHeader h : lines) {
            if (h.hasName(name)) {
                n++;
            }
        }
        return n;
    }

    /** The value of the first line called {@code name}. */
    public Optional<String> first(String name) {
        for (HttpHeader h : lines) {
            if (h.hasName(name)) {
                return Optional.of(h.value());
            }
        }
        return Optional.empty();
    }

    /** The values of every line called {@code name}, in order; empty if there is none. */
    public List<String> values(String name) {
        List<String> out = new ArrayList<>(2);
        for (HttpHeader h : lines) {
            if (h.hasName(name)) {
                out.add(h.value());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The comma-separated elements of every line called {@code name}, in order, trimmed, with empty
     * elements skipped (see {@link HttpTokens#splitList(String)}).
     */
    public List<String> tokens(String name) {
        List<String> out = new ArrayList<>(4);
        for (HttpHeader h : lines) {
            if (h.hasName(name)) {
                out.addAll(HttpTokens.splitList(h.value()));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Whether any line called {@code name} lists {@code token}, ignoring case. */
    public boolean containsToken(String name, String token) {
        for (String t : tokens(name)) {
            if (t.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** These lines followed by {@code more}'s. */
    public HttpHeaders plus(HttpHeaders more) {
        if (more.isEmpty()) {
            return this;
        }
        return builder().addAll(this).addAll(more).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpHeaders other && lines.equals(other.lines);
    }

    @Override
    public int hashCode() {
        return lines.hashCode();
    }

    @Override
    public String toString() {
        return lines.toString();
    }

    /** Collects lines in order; not thread-safe. */
    public static final class Builder {
        private final List<HttpHeader> lines = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a line.
         *
         * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or
         *                                  another control character
         */
        public Builder add(String name, String value) {
            lines.add(new HttpHeader(name, value));
            return this;
        }

        /** Adds a line. */
        public Builder add(HttpHeader header) {
            lines.add(header);
            return this;
        }

        /** Adds every line of {@code headers}, in order. */
        public Builder addAll(HttpHeaders headers) {
            lines.addAll(headers.lines);
            return this;
        }

        /** How many lines were added so far. */
        public int size() {
            return lines.size();
        }

        public HttpHeaders build() {
            return lines.isEmpty() ? EMPTY : new HttpHeaders(List.copyOf(lines));
        }
    }
}
