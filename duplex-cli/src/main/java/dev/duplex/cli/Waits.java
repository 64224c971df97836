package dev.duplex.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as people write them: {@code 1.5} or {@code 2s} (seconds), {@code 500ms}, {@code 1m},
 * and {@code forever} (returned as null).
 */
public final class Waits implements ITypeConverter<Duration> {
    private static final Pattern DURATION = Pattern.compile("\\s*(\\d{1,9}(?:\\.\\d{1,9})?)\\s*(ms|s|m)?\\s*");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("forever") || v.equals("inf")) {
            return null;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration; write seconds (2, 0.5, 2s), "
                    + "milliseconds (500ms), minutes (1m) or 'forever'");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "m" -> n * 60_000;
            default -> n * 1000;
        };
        return Duration.ofMillis(Math.round(millis));
    }
}
