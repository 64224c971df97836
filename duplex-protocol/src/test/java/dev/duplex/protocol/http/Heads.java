package dev.duplex.protocol.http;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Shared inputs and one-shot parsing for the head parser tests. */
final class Heads {
    private Heads() {}

    /** The client handshake of RFC 6455 §1.3. */
    static final String RFC_REQUEST = "GET /chat HTTP/1.1\r\n"
            + "Host: server.example.com\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Origin: http://example.com\r\n"
            + "Sec-WebSocket-Protocol: chat, superchat\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "\r\n";

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    static HttpRequestHead request(String s) throws HttpHeadException {
        return HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT).parse(bytes(s)).orElseThrow();
    }

    static HttpResponseHead response(String s) throws HttpHeadException {
        return HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT).parse(bytes(s)).orElseThrow();
    }

    static HttpHeadException requestError(String s) {
        return catchThrowableOfType(HttpHeadException.class,
                () -> HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT).parse(bytes(s)));
    }
}
