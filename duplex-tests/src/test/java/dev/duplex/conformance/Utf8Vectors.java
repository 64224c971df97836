package dev.duplex.conformance;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * UTF-8 test vectors: Markus Kuhn's "UTF-8 decoder capability and stress test" sections (as
 * Autobahn uses them, where codes above U+10FFFF and 5- and 6-byte forms are invalid) and a few
 * more, with an independent oracle (RFC 3629 / Unicode Table 3-7) for where a decoder must see
 * the first error.
 */
final class Utf8Vectors {

    /** One vector: where it comes from, its bytes, and its verdict from the oracle. */
    record Vector(String name, byte[] bytes) {
        /** Index of the first byte that cannot belong to valid UTF-8; length if only truncated; -1 if valid. */
        int firstInvalid() {
            return Utf8Vectors.firstInvalid(bytes);
        }

        boolean valid() {
            return firstInvalid() < 0;
        }
    }

    private Utf8Vectors() {}

    static final String KOSME = "ce ba e1 bd b9 cf 83 ce bc ce b5";

    static List<Vector> all() {
        List<Vector> v = new ArrayList<>();
        v.add(new Vector("1 some correct UTF-8 text (kosme)", Wire.hex(KOSME)));
        v.add(new Vector("Hello-µ@ßöäüàá-UTF-8!!", Wire.utf8("Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!")));
        v.add(new Vector("kosme, then a surrogate, then 'edited'", Wire.hex(KOSME + " ed a0 80 65 64 69 74 65 64")));
        v.add(new Vector("kosme, then U+110000, then 'edited'", Wire.hex(KOSME + " f4 90 80 80 65 64 69 74 65 64")));
        byte[] kosme = Wire.hex(KOSME);
        for (int n = 1; n < kosme.length; n++) {
            v.add(new Vector("kosme prefix of " + n + " bytes", Wire.slice(kosme, 0, n)));
        }
        String[][] sections = {
            {"2.1.1 first 1-byte sequence U+0000", "00"},
            {"2.1.2 first 2-byte sequence U+0080", "c2 80"},
            {"2.1.3 first 3-byte sequence U+0800", "e0 a0 80"},
            {"2.1.4 first 4-byte sequence U+10000", "f0 90 80 80"},
            {"2.1.5 first 5-byte sequence", "f8 88 80 80 80"},
            {"2.1.6 first 6-byte sequence", "fc 84 80 80 80 80"},
            {"2.2.1 last 1-byte sequence U+007F", "7f"},
            {"2.2.2 last 2-byte sequence U+07FF", "df bf"},
            {"2.2.3 last 3-byte sequence U+FFFF", "ef bf bf"},
            {"2.2.4 last 4-byte sequence U+1FFFFF", "f7 bf bf bf"},
            {"2.2.5 last 5-byte sequence", "fb bf bf bf bf"},
            {"2.2.6 last 6-byte sequence", "fd bf bf bf bf bf"},
            {"2.3.1 U+D7FF", "ed 9f bf"},
            {"2.3.2 U+E000", "ee 80 80"},
            {"2.3.3 U+FFFD", "ef bf bd"},
            {"2.3.4 U+10FFFF", "f4 8f bf bf"},
            {"2.3.5 U+110000", "f4 90 80 80"},
            {"2.3.6 first code above U+10FFFF with F5", "f5 80 80 80"},
            {"3.1.1 first continuation byte 0x80", "80"},
            {"3.1.2 last continuation byte 0xbf", "bf"},
            {"3.1.3 2 continuation bytes", "80 bf"},
            {"3.1.4 3 continuation bytes", "80 bf 80"},
            {"3.1.5 4 continuation bytes", "80 bf 80 bf"},
            {"3.1.6 5 continuation bytes", "80 bf 80 bf 80"},
            {"3.1.7 6 continuation bytes", "80 bf 80 bf 80 bf"},
            {"3.1.8 7 continuation bytes", "80 bf 80 bf 80 bf 80"},
            {"3.1.9 all 64 continuation bytes", range(0x80, 0xbf, "")},
            {"3.2.1 lonely 2-byte starts c0-df, each followed by a space", range(0xc0, 0xdf, "20")},
            {"3.2.2 lonely 3-byte starts e0-ef, each followed by a space", range(0xe0, 0xef, "20")},
            {"3.2.3 lonely 4-byte starts f0-f7, each followed by a space", range(0xf0, 0xf7, "20")},
            {"3.2.4 lonely 5-byte starts f8-fb, each followed by a space", range(0xf8, 0xfb, "20")},
            {"3.2.5 lonely 6-byte starts fc-fd, each followed by a space", range(0xfc, 0xfd, "20")},
            {"3.2.6 lonely start c2 followed by a space", "c2 20"},
            {"3.2.7 lonely start e1 followed by a space", "e1 20"},
            {"3.2.8 lonely start f1 followed by a space", "f1 20"},
            {"3.3.1 2-byte sequence with last byte missing (U+0000)", "c0"},
            {"3.3.2 3-byte sequence with last byte missing (U+0000)", "e0 80"},
            {"3.3.3 4-byte sequence with last byte missing (U+0000)", "f0 80 80"},
            {"3.3.4 5-byte sequence with last byte missing (U+0000)", "f8 80 80 80"},
            {"3.3.5 6-byte sequence with last byte missing (U+0000)", "fc 80 80 80 80"},
            {"3.3.6 2-byte sequence with last byte missing (U+07FF)", "df"},
            {"3.3.7 3-byte sequence with last byte missing (U+FFFF)", "ef bf"},
            {"3.3.8 4-byte sequence with last byte missing (U+1FFFFF)", "f7 bf bf"},
            {"3.3.9 5-byte sequence with last byte missing", "fb bf bf bf"},
            {"3.3.10 6-byte sequence with last byte missing", "fd bf bf bf bf"},
            {"3.3.11 valid 2-byte sequence truncated (U+00E9 without its last byte)", "c3"},
            {"3.3.12 valid 3-byte sequence truncated (U+20AC)", "e2 82"},
            {"3.3.13 valid 4-byte sequence truncated (U+1F600)", "f0 9f 98"},
            {"3.4.1 concatenation of the incomplete sequences",
                "c0 e0 80 f0 80 80 f8 80 80 80 fc 80 80 80 80 df ef bf f7 bf bf fb bf bf bf fd bf bf bf bf"},
            {"3.5.1 impossible byte fe", "fe"},
            {"3.5.2 impossible byte ff", "ff"},
            {"3.5.3 fe fe ff ff", "fe fe ff ff"},
            {"3.5.4 impossible bytes c0 and c1 alone", "c1"},
            {"4.1.1 overlong '/' in 2 bytes", "c0 af"},
            {"4.1.2 overlong '/' in 3 bytes", "e0 80 af"},
            {"4.1.3 overlong '/' in 4 bytes", "f0 80 80 af"},
            {"4.1.4 overlong '/' in 5 bytes", "f8 80 80 80 af"},
            {"4.1.5 overlong '/' in 6 bytes", "fc 80 80 80 80 af"},
            {"4.2.1 maximum overlong 2-byte U+007F", "c1 bf"},
            {"4.2.2 maximum overlong 3-byte U+07FF", "e0 9f bf"},
            {"4.2.3 maximum overlong 4-byte U+FFFF", "f0 8f bf bf"},
            {"4.2.4 maximum overlong 5-byte U+1FFFFF", "f8 87 bf bf bf"},
            {"4.2.5 maximum overlong 6-byte U+3FFFFFF", "fc 83 bf bf bf bf"},
            {"4.3.1 overlong NUL in 2 bytes", "c0 80"},
            {"4.3.2 overlong NUL in 3 bytes", "e0 80 80"},
            {"4.3.3 overlong NUL in 4 bytes", "f0 80 80 80"},
            {"4.3.4 overlong NUL in 5 bytes", "f8 80 80 80 80"},
            {"4.3.5 overlong NUL in 6 bytes", "fc 80 80 80 80 80"},
            {"5.1.1 U+D800", "ed a0 80"},
            {"5.1.2 U+DB7F", "ed ad bf"},
            {"5.1.3 U+DB80", "ed ae 80"},
            {"5.1.4 U+DBFF", "ed af bf"},
            {"5.1.5 U+DC00", "ed b0 80"},
            {"5.1.6 U+DF80", "ed be 80"},
            {"5.1.7 U+DFFF", "ed bf bf"},
            {"5.2.1 U+D800 U+DC00", "ed a0 80 ed b0 80"},
            {"5.2.2 U+D800 U+DFFF", "ed a0 80 ed bf bf"},
            {"5.2.3 U+DB7F U+DC00", "ed ad bf ed b0 80"},
            {"5.2.4 U+DB7F U+DFFF", "ed ad bf ed bf bf"},
            {"5.2.5 U+DB80 U+DC00", "ed ae 80 ed b0 80"},
            {"5.2.6 U+DB80 U+DFFF", "ed ae 80 ed bf bf"},
            {"5.2.7 U+DBFF U+DC00", "ed af bf ed b0 80"},
            {"5.2.8 U+DBFF U+DFFF", "ed af bf ed bf bf"},
            {"5.3.1 noncharacter U+FFFE (valid)", "ef bf be"},
            {"5.3.2 noncharacter U+FFFF (valid)", "ef bf bf"},
            {"5.3.3 noncharacters U+FDD0-U+FDEF (valid)", nonchars()},
            {"5.3.4 noncharacters U+nFFFE and U+nFFFF, planes 1-16 (valid)", planeNonchars()},
            {"5.4.1 surrogate after valid text", "41 42 43 ed b2 80 44"},
            {"5.4.2 invalid byte in the middle of a long valid text",
                hexOf(Wire.asciiText(200)) + " c0 " + hexOf(Wire.asciiText(50))},
        };
        for (String[] s : sections) {
            v.add(new Vector(s[0], Wire.hex(s[1])));
        }
        return v;
    }

    private static String range(int from, int to, String after) {
        StringBuilder s = new StringBuilder();
        for (int b = from; b <= to; b++) {
            s.append(String.format("%02x %s ", b, after));
        }
        return s.toString();
    }

    private static String nonchars() {
        StringBuilder s = new StringBuilder();
        for (int cp = 0xFDD0; cp <= 0xFDEF; cp++) {
            s.append(hexOf(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return s.toString();
    }

    private static String planeNonchars() {
        StringBuilder s = new StringBuilder();
        for (int plane = 1; plane <= 16; plane++) {
            for (int low : new int[] {0xFFFE, 0xFFFF}) {
                s.append(hexOf(new String(Character.toChars(plane << 16 | low)).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return s.toString();
    }

    private static String hexOf(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }

    /**
     * Index of the first byte that makes {@code b} invalid UTF-8 (Unicode Table 3-7: the byte is
     * not a lead, or not an allowed continuation); {@code b.length} when only the last sequence
     * is incomplete; -1 when valid.
     */
    static int firstInvalid(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c < 0x80) {
                i++;
                continue;
            } else if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c == 0xE0) {
                need = 2;
                lo = 0xA0;
            } else if (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) {
                need = 2;
            } else if (c == 0xED) {
                need = 2;
                hi = 0x9F;
            } else if (c == 0xF0) {
                need = 3;
                lo = 0x90;
            } else if (c >= 0xF1 && c <= 0xF3) {
                need = 3;
            } else if (c == 0xF4) {
                need = 3;
                hi = 0x8F;
            } else {
                return i;
            }
            for (int k = 1; k <= need; k++) {
                if (i + k >= b.length) {
                    return b.length;
                }
                int d = b[i + k] & 0xFF;
                if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) {
                    return i + k;
                }
            }
            i += need + 1;
        }
        return -1;
    }

    /** Concatenated bytes of every valid vector (one long valid message). */
    static byte[] allValid() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Vector v : all()) {
            if (v.valid()) {
                out.writeBytes(v.bytes());
            }
        }
        return out.toByteArray();
    }
}
