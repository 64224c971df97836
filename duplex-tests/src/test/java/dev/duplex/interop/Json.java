package dev.duplex.interop;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON for the peer scripts' lines: flat objects and arrays of strings, numbers, booleans, null. */
final class Json {
    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) {
        Json j = new Json(text);
        Object v = j.value();
        j.ws();
        if (!(v instanceof Map) || j.i != text.length()) {
            throw new IllegalArgumentException("not one JSON object: " + text);
        }
        return (Map<String, Object>) v;
    }

    /** A JSON object from alternating keys and values (String, Number, Boolean, List of those). */
    static String object(Object... keyValues) {
        StringBuilder sb = new StringBuilder("{");
        for (int k = 0; k < keyValues.length; k += 2) {
            if (k > 0) {
                sb.append(',');
            }
            quote(sb, (String) keyValues[k]);
            sb.append(':');
            write(sb, keyValues[k + 1]);
        }
        return sb.append('}').toString();
    }

    private static void write(StringBuilder sb, Object v) {
        if (v instanceof String) {
            quote(sb, (String) v);
        } else if (v instanceof List) {
            sb.append('[');
            List<?> l = (List<?>) v;
            for (int k = 0; k < l.size(); k++) {
                if (k > 0) {
                    sb.append(',');
                }
                write(sb, l.get(k));
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    private static void quote(StringBuilder sb, String v) {
        sb.append('"');
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private Object value() {
        ws();
        char c = s.charAt(i);
        switch (c) {
            case '{': {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String key = string();
                    ws();
                    expect(':');
                    m.put(key, value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            case '[': {
                i++;
                List<Object> l = new java.util.ArrayList<>();
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            case '"':
                return string();
            default:
                if (s.startsWith("true", i)) {
                    i += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("false", i)) {
                    i += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("null", i)) {
                    i += 4;
                    return null;
                }
                int start = i;
                while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                String num = s.substring(start, i);
                if (num.isEmpty()) {
                    throw new IllegalArgumentException("bad JSON at " + start + ": " + s);
                }
                return num.contains(".") || num.contains("e") || num.contains("E") ? (Object) Double.parseDouble(num)
                        : (Object) Long.parseLong(num);
        }
    }

    private void expect(char c) {
        if (s.charAt(i) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + i + ": " + s);
        }
        i++;
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'u':
                    sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default: sb.append(e);
            }
        }
    }
}
