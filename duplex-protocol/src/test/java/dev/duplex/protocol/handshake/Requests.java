package dev.duplex.protocol.handshake;

import dev.duplex.protocol.http.HttpHeadException;
import dev.duplex.protocol.http.HttpHeadLimits;
import dev.duplex.protocol.http.HttpHeadParser;
import dev.duplex.protocol.http.HttpRequestHead;
import dev.duplex.protocol.http.HttpResponseHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Handshake requests written as text, the way the RFC shows them, and parsed like real ones. */
final class Requests {
    /** The client handshake of RFC 6455 §1.3 (and §4.1's example). */
    static final String RFC_REQUEST = "GET /chat HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    private Requests() {}

    /** The header lines of a minimal valid request without Origin. */
    static List<String> validLines() {
        return new ArrayList<>(List.of("Host: server.example.com", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"));
    }

    /** A valid request with the lines named by {@code removed} (by header name) taken out and {@code added} appended. */
    static HttpRequestHead validWith(List<String> removed, String... added) {
        List<String> lines = validLines();
        lines.removeIf(l -> removed.stream().anyMatch(name -> l.toLowerCase().startsWith(name.toLowerCase() + ":")));
        lines.addAll(Arrays.asList(added));
        return request("GET /chat HTTP/1.1", lines);
    }

    static HttpRequestHead validWith(String... added) {
        return validWith(List.of(), added);
    }

    static HttpRequestHead request(String requestLine, List<String> lines) {
        return parse(requestLine + "\r\n" + String.join("", lines.stream().map(l -> l + "\r\n").toList()) + "\r\n");
    }

    static HttpRequestHead parse(String head) {
        try {
            return HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT)
                    .parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1))).orElseThrow();
        } catch (HttpHeadException e) {
            throw new AssertionError("test request does not parse: " + e.getMessage(), e);
        }
    }

    /** A response head and the bytes that followed it (a body, or frames). */
    record ParsedResponse(HttpResponseHead head, String rest) {}

    static ParsedResponse parseResponse(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            HttpResponseHead head = HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT).parse(in).orElseThrow();
            return new ParsedResponse(head, StandardCharsets.UTF_8.decode(in).toString());
        } catch (HttpHeadException e) {
            throw new AssertionError("response does not parse: " + e.getMessage(), e);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
