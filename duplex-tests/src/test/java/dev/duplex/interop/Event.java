package dev.duplex.interop;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One thing that happened on one side of a connection: {@code open}, {@code text}, {@code binary},
 * {@code ping}, {@code pong}, {@code close}, {@code error} (and, from scripts, {@code listening},
 * {@code version}). The same shape for every peer, so that tests compare them uniformly.
 */
public final class Event {
    public final String type;
    public final Map<String, Object> fields;

    Event(String type, Map<String, Object> fields) {
        this.type = type;
        this.fields = fields;
    }

    static Event of(String type, Object... keyValues) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            f.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Event(type, f);
    }

    /** A text or binary message event, with its size and digest, and its content when small. */
    static Event message(boolean text, byte[] bytes) {
        Event e = of(text ? "text" : "binary", "bytes", (long) bytes.length, "sha256", Payloads.sha256(bytes));
        if (bytes.length <= Payloads.SMALL) {
            if (text) {
                e.fields.put("data", new String(bytes, StandardCharsets.UTF_8));
            } else {
                e.fields.put("b64", Base64.getEncoder().encodeToString(bytes));
            }
        }
        return e;
    }

    static Event control(String type, byte[] payload) {
        return of(type, "b64", Base64.getEncoder().encodeToString(payload));
    }

    /** Parses an event line printed by a script peer: {"ev":TYPE, ...}. */
    static Event parse(String line) {
        Map<String, Object> f = Json.parseObject(line);
        Object type = f.remove("ev");
        if (!(type instanceof String)) {
            throw new IllegalArgumentException("not an event line: " + line);
        }
        return new Event((String) type, f);
    }

    public String str(String key) {
        Object v = fields.get(key);
        return v == null ? null : v.toString();
    }

    public long num(String key) {
        Object v = fields.get(key);
        if (!(v instanceof Number)) {
            throw new AssertionError("event " + this + " has no number '" + key + "'");
        }
        return ((Number) v).longValue();
    }

    public byte[] bytesOf(String key) {
        String v = str(key);
        return v == null ? null : Base64.getDecoder().decode(v);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type).append(' ');
        fields.forEach((k, v) -> {
            String s = String.valueOf(v);
            sb.append(k).append('=').append(s.length() > 120 ? s.substring(0, 120) + "..." : s).append(' ');
        });
        return sb.toString().trim();
    }
}
