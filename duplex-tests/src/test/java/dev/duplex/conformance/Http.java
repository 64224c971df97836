package dev.duplex.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Just enough HTTP/1.1 for opening handshakes, written by hand. */
final class Http {
    static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Http() {}

    /** A request or response head: the start line and the headers (names lower-cased, values in order). */
    record Head(String startLine, Map<String, List<String>> headers) {
        String first(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        int status() {
            String[] p = startLine.split(" ", 3);
            return Integer.parseInt(p[1]);
        }

        /** Whether a comma-separated header holds {@code token} (case-insensitive). */
        boolean hasToken(String name, String token) {
            for (String v : all(name)) {
                for (String t : v.split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** Reads one head, byte by byte, through the blank line (never past it); null at end of stream. */
    static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            if (b.size() > 65536) {
                throw new IOException("head longer than 64 KiB");
            }
            state = c == '\r' && (state == 0 || state == 2) ? state + 1 : c == '\n' && (state == 1 || state == 3) ? state + 1 : c == '\r' ? 1 : 0;
        }
        String[] lines = b.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header line: " + lines[i]);
            }
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        return new Head(lines[0], headers);
    }

    /** The Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2). */
    static String accept(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String newKey() {
        byte[] k = new byte[16];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
