package dev.duplex.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Byte sizes as people write them: {@code 1000}, {@code 512KiB}, {@code 16MiB}, {@code 1GiB},
 * {@code 64k}, {@code 2 MB}. KiB/MiB/GiB and the one-letter k/m/g (as in {@code java -Xmx}) are
 * powers of 1024; kB/MB/GB are powers of 1000; B or no unit is bytes. Units ignore case.
 */
public final class Sizes implements ITypeConverter<Long> {
    /** The largest size accepted: a message is assembled in one array. */
    public static final long MAX = Integer.MAX_VALUE - 8;

    private static final Pattern SIZE = Pattern.compile("\\s*(\\d{1,19})\\s*([a-zA-Z]*)\\s*");

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /**
     * Parses a size.
     *
     * @throws TypeConversionException (an IllegalArgumentException to picocli: a usage error)
     *                                 naming what was wrong and what is accepted
     */
    public static long parse(String value) {
        Matcher m = SIZE.matcher(value == null ? "" : value);
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size; write a whole number of bytes "
                    + "with an optional unit, like 1000, 512KiB, 16MiB or 1GiB");
        }
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "kb" -> 1_000L;
            case "mb" -> 1_000_000L;
            case "gb" -> 1_000_000_000L;
            default -> throw new TypeConversionException("'" + value + "' has an unknown unit '" + m.group(2)
                    + "'; use B, KiB, MiB, GiB (1024-based) or kB, MB, GB (1000-based)");
        };
        long n;
        try {
            n = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        if (n < 1 || n > MAX) {
            throw new TypeConversionException("'" + value + "' is out of range; a size must be from 1 byte to "
                    + format(MAX) + " (" + MAX + " bytes)");
        }
        return n;
    }

    /** A size for people: {@code 16 MiB}, {@code 512 KiB}, {@code 1000 bytes}. */
    public static String format(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }

}
