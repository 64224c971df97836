package dev.duplex.protocol.handshake;

import static dev.duplex.protocol.handshake.Requests.validWith;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.http.HttpHeadException;
import dev.duplex.protocol.http.HttpRequestHead;
import dev.duplex.protocol.http.HttpResponseHead;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 6455 §4.2.1/§4.4: every way a server refuses, each a complete HTTP response. */
class ServerRejectionTest {
    private final ServerHandshake server = ServerHandshake.builder()
            .extensions(List.of(FakeExtensionFactory.xTest()))
            .build();

    static Stream<Arguments> rejections() {
        return Stream.of(
                refusal("HTTP/1.0", Requests.request("GET /chat HTTP/1.0", Requests.validLines()),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "requires HTTP/1.1 or later"),
                refusal("POST", Requests.request("POST /chat HTTP/1.1", Requests.validLines()),
                        "HTTP/1.1 405 Method Not Allowed", RejectionKind.METHOD_NOT_ALLOWED, "must use GET"),
                refusal("plain GET", Requests.request("GET /chat HTTP/1.1", List.of("Host: server.example.com")),
                        "HTTP/1.1 426 Upgrade Required", RejectionKind.NOT_A_WEBSOCKET_REQUEST, "Upgrade: websocket"),
                refusal("Upgrade: h2c", validWith(List.of("Upgrade"), "Upgrade: h2c"),
                        "HTTP/1.1 426 Upgrade Required", RejectionKind.NOT_A_WEBSOCKET_REQUEST, "Upgrade: websocket"),
                refusal("Connection without upgrade", validWith(List.of("Connection"), "Connection: keep-alive"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Connection header must contain the token upgrade"),
                refusal("no Host", validWith(List.of("Host")),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Host header must be present exactly once"),
                refusal("two Hosts", validWith("Host: other.example"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Host header must be present exactly once"),
                refusal("a body", validWith("Content-Length: 5"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "must not have a body"),
                refusal("no version", validWith(List.of("Sec-WebSocket-Version")),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Version header must be present exactly once"),
                refusal("version 8", validWith(List.of("Sec-WebSocket-Version"), "Sec-WebSocket-Version: 8"),
                        "HTTP/1.1 426 Upgrade Required", RejectionKind.UNSUPPORTED_VERSION, "unsupported Sec-WebSocket-Version"),
                refusal("no key", validWith(List.of("Sec-WebSocket-Key")),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Key header must be present exactly once"),
                refusal("two keys", validWith("Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0ODw=="),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Key header must be present exactly once"),
                refusal("15-byte key", validWith(List.of("Sec-WebSocket-Key"), "Sec-WebSocket-Key: AAECAwQFBgcICQoLDA0O"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Key must be base64 of 16 bytes"),
                refusal("cross origin", validWith("Origin: https://evil.example"),
                        "HTTP/1.1 403 Forbidden", RejectionKind.ORIGIN_REFUSED, "origin not allowed"),
                refusal("two origins", validWith("Origin: http://server.example.com", "Origin: http://server.example.com"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Origin header must not be repeated"),
                refusal("subprotocol not a token", validWith("Sec-WebSocket-Protocol: chat, a/b"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "Sec-WebSocket-Protocol must be a comma-separated list of tokens"),
                refusal("malformed extensions", validWith("Sec-WebSocket-Extensions: x-test; =1"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "malformed Sec-WebSocket-Extensions"),
                refusal("extension refuses a malformed offer", validWith("Sec-WebSocket-Extensions: x-test; bad"),
                        "HTTP/1.1 400 Bad Request", RejectionKind.BAD_HANDSHAKE, "x-test: parameter bad is not allowed"));
    }

    private static Arguments refusal(String name, HttpRequestHead request, String statusLine, RejectionKind kind,
            String reason) {
        return Arguments.of(name, request, statusLine, kind, reason);
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("rejections")
    void refusesWithACompleteResponse(String name, HttpRequestHead request, String statusLine, RejectionKind kind,
            String reason) {
        ServerHandshakeResult result = server.accept(request);

        assertThat(result).isInstanceOf(ServerHandshakeResult.Rejected.class);
        ServerHandshakeResult.Rejected rejected = (ServerHandshakeResult.Rejected) result;
        assertThat(rejected.kind()).isEqualTo(kind);
        assertThat(rejected.reason()).contains(reason);
        assertCompleteResponse(rejected, statusLine);
    }

    @Test
    void aPlainGetIsAQueryableCaseOfItsOwn() {
        ServerHandshakeResult.Rejected plain = (ServerHandshakeResult.Rejected)
                server.accept(Requests.request("GET / HTTP/1.1", List.of("Host: a")));
        ServerHandshakeResult.Rejected oldVersion = (ServerHandshakeResult.Rejected)
                server.accept(validWith(List.of("Sec-WebSocket-Version"), "Sec-WebSocket-Version: 7"));

        assertThat(plain.isPlainHttpRequest()).isTrue();
        assertThat(oldVersion.isPlainHttpRequest()).isFalse();
        assertThat(plain.statusCode()).isEqualTo(oldVersion.statusCode()).isEqualTo(426);
    }

    @Test
    void answers426WithTheVersionItSpeaksAndTheProtocolToUpgradeTo() {
        ServerHandshakeResult.Rejected rejected = (ServerHandshakeResult.Rejected)
                server.accept(validWith(List.of("Sec-WebSocket-Version"), "Sec-WebSocket-Version: 8"));

        HttpResponseHead head = Requests.parseResponse(rejected.response()).head();
        assertThat(head.headers().values("Sec-WebSocket-Version")).containsExactly("13");
        assertThat(head.headers().values("Upgrade")).containsExactly("websocket");
    }

    @Test
    void answers405WithTheAllowedMethod() {
        ServerHandshakeResult.Rejected rejected = (ServerHandshakeResult.Rejected)
                server.accept(Requests.request("PUT /chat HTTP/1.1", Requests.validLines()));

        assertThat(Requests.parseResponse(rejected.response()).head().headers().first("Allow")).contains("GET");
    }

    @Test
    void answers431ForEitherHeadLimitAsDistinctKinds() {
        ServerHandshakeResult.Rejected tooLarge = ServerHandshake.reject(
                new HttpHeadException(HttpHeadException.Kind.HEAD_TOO_LARGE, "head is larger than 8192 bytes"));
        ServerHandshakeResult.Rejected tooMany = ServerHandshake.reject(
                new HttpHeadException(HttpHeadException.Kind.TOO_MANY_HEADERS, "more than 100 header lines"));

        assertThat(tooLarge.kind()).isEqualTo(RejectionKind.HEAD_TOO_LARGE);
        assertThat(tooMany.kind()).isEqualTo(RejectionKind.TOO_MANY_HEADERS);
        assertCompleteResponse(tooLarge, "HTTP/1.1 431 Request Header Fields Too Large");
        assertCompleteResponse(tooMany, "HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(tooLarge.reason()).isEqualTo("head is larger than 8192 bytes");
    }

    @Test
    void answers400ForAMalformedHead() {
        ServerHandshakeResult.Rejected rejected = ServerHandshake.reject(
                new HttpHeadException(HttpHeadException.Kind.MALFORMED, "bare LF; lines must end with CRLF"));

        assertThat(rejected.kind()).isEqualTo(RejectionKind.MALFORMED_HEAD);
        assertCompleteResponse(rejected, "HTTP/1.1 400 Bad Request");
    }

    @Test
    void keepsReasonsToOneLineWhateverAnExtensionSays() {
        assertThat(Rejections.oneLine("a\r\nb\u0000c")).isEqualTo("a  b c");
        assertThat(Rejections.oneLine("x".repeat(1000))).hasSize(200);
    }

    /** Status line, the three fixed headers, a Content-Length that fits, and a one-line body. */
    private static void assertCompleteResponse(ServerHandshakeResult.Rejected rejected, String statusLine) {
        Requests.ParsedResponse response = Requests.parseResponse(rejected.response());
        HttpResponseHead head = response.head();
        assertThat(head.statusLine()).isEqualTo(statusLine);
        assertThat(head.statusCode()).isEqualTo(rejected.statusCode());
        assertThat(head.headers().first("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(head.headers().first("Connection")).contains("close");
        assertThat(response.rest()).isEqualTo(rejected.reason() + "\n");
        assertThat(response.rest()).containsOnlyOnce("\n");
        assertThat(head.headers().first("Content-Length"))
                .contains(Integer.toString(response.rest().getBytes(StandardCharsets.UTF_8).length));
    }
}
