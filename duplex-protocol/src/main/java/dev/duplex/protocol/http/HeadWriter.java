package dev.duplex.protocol.http;

import java.nio.charset.StandardCharsets;

/** Writes a start line and header lines as the bytes of an HTTP/1.1 head. */
final class HeadWriter {
    private HeadWriter() {}

    /**
     * The head's bytes: start line, one line per header, blank line, all ending in CRLF.
     * ISO-8859-1 is exact here: the value types have already refused characters above 0xFF.
     */
    static byte[] write(String startLine, HttpHeaders headers) {
        StringBuilder b = new StringBuilder(64 + 32 * headers.size());
        b.append(startLine).append("\r\n");
        for (HttpHeader h : headers.asList()) {
            b.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
