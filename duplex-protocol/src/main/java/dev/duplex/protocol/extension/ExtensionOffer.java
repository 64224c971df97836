package dev.duplex.protocol.extension;

import dev.duplex.protocol.http.HttpTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One element of a {@code Sec-WebSocket-Extensions} header (RFC 6455 §9.1): an extension name
 * and its parameters in the order given. Used both for a client's offers and a server's answer.
 *
 * @param name       the extension token, for example {@code permessage-deflate}
 * @param parameters its parameters, in order; repeated names are kept for the extension to judge
 */
public record ExtensionOffer(String name, List<ExtensionParameter> parameters) {
    public ExtensionOffer {
        Objects.requireNonNull(name, "name");
        parameters = List.copyOf(parameters);
    }

    /** An offer with no parameters. */
    public static ExtensionOffer of(String name) {
        return new ExtensionOffer(name, List.of());
    }

    /** An offer with the given parameters, in order. */
    public static ExtensionOffer of(String name, ExtensionParameter... parameters) {
        return new ExtensionOffer(name, Arrays.asList(parameters));
    }

    /**
     * Parses one {@code Sec-WebSocket-Extensions} header value (RFC 6455 §9.1), for example
     * {@code permessage-deflate; client_max_window_bits, x-webkit-deflate-frame}.
     *
     * <p>Whitespace is allowed around {@code ,} {@code ;} and {@code =}; empty list elements are
     * skipped, so a blank value gives an empty list. Quoted values are unquoted and must then be
     * tokens. Names are kept as sent; compare them case-insensitively.
     *
     * @throws ExtensionNegotiationException naming what is malformed and where (never echoing
     *                                       the input)
     */
    public static List<ExtensionOffer> parse(String headerValue) throws ExtensionNegotiationException {
        return ExtensionHeaderParser.parse(Objects.requireNonNull(headerValue, "headerValue"));
    }

    /**
     * Parses several {@code Sec-WebSocket-Extensions} header values, as if they were one
     * comma-joined list (RFC 9110 §5.3).
     *
     * @throws ExtensionNegotiationException if any value is malformed
     */
    public static List<ExtensionOffer> parseAll(List<String> headerValues) throws ExtensionNegotiationException {
        List<ExtensionOffer> all = new ArrayList<>();
        for (String value : headerValues) {
            all.addAll(parse(value));
        }
        return List.copyOf(all);
    }

    /**
     * The header value for {@code offers}: each in {@link #toString()} form, joined by {@code ", "}.
     *
     * @throws IllegalArgumentException if a name is not a token or a value cannot be sent (holds
     *                                  control characters); values that are not tokens are quoted
     */
    public static String format(List<ExtensionOffer> offers) {
        StringBuilder b = new StringBuilder();
        for (ExtensionOffer offer : offers) {
            offer.checkSendable();
            if (b.length() > 0) {
                b.append(", ");
            }
            offer.appendTo(b);
        }
        return b.toString();
    }

    /** The first parameter called {@code parameterName} (ignoring case), if any. */
    public Optional<ExtensionParameter> parameter(String parameterName) {
        for (ExtensionParameter p : parameters) {
            if (p.name().equalsIgnoreCase(parameterName)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Whether a parameter called {@code parameterName} (ignoring case) is present. */
    public boolean has(String parameterName) {
        return parameter(parameterName).isPresent();
    }

    /**
     * How many parameters are called {@code parameterName} (ignoring case); extensions use it to
     * refuse an offer that repeats a parameter (RFC 7692 §7).
     */
    public int count(String parameterName) {
        int n = 0;
        for (ExtensionParameter p : parameters) {
            if (p.name().equalsIgnoreCase(parameterName)) {
                n++;
            }
        }
        return n;
    }

    /** Whether this offer is for the extension called {@code extensionName}, ignoring case. */
    public boolean hasName(String extensionName) {
        return name.equalsIgnoreCase(extensionName);
    }

    /** The offer in header form: {@code name; param; param=value}, quoting values that are not tokens. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        appendTo(b);
        return b.toString();
    }

    private void appendTo(StringBuilder b) {
        b.append(name);
        for (ExtensionParameter p : parameters) {
            b.append("; ").append(p.name());
            if (p.hasValue()) {
                b.append('=');
                appendValue(b, p.value());
            }
        }
    }

    private static void appendValue(StringBuilder b, String value) {
        if (HttpTokens.isToken(value)) {
            b.append(value);
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
    }

    /** Refuses what would break the header (or inject another one) when written. */
    private void checkSendable() {
        if (!HttpTokens.isToken(name)) {
            throw new IllegalArgumentException("extension name is not a token: \"" + name + "\"");
        }
        for (ExtensionParameter p : parameters) {
            if (!HttpTokens.isToken(p.name())) {
                throw new IllegalArgumentException("parameter name of " + name + " is not a token: \"" + p.name() + "\"");
            }
            if (p.hasValue()) {
                for (int i = 0; i < p.value().length(); i++) {
                    char c = p.value().charAt(i);
                    if (c != '\t' && (c < 0x20 || c == 0x7F || c > 0xFF)) {
                        throw new IllegalArgumentException("value of parameter " + p.name() + " of " + name
                                + " holds a control character");
                    }
                }
            }
        }
    }
}
