package dev.duplex.protocol.handshake;

import static dev.duplex.protocol.handshake.Requests.RFC_REQUEST;
import static dev.duplex.protocol.handshake.Requests.parse;
import static dev.duplex.protocol.handshake.Requests.text;
import static dev.duplex.protocol.handshake.Requests.validWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpRequestHead;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 6455 §4.2: the server's side of the opening handshake, when it succeeds. */
class ServerHandshakeTest {
    private final ServerHandshake chatServer = ServerHandshake.builder()
            .subprotocols("chat")
            .originPolicy(OriginPolicy.allowOnly(List.of("http://example.com")))
            .build();

    @Test
    void acceptsTheRfc6455ExampleRequestWithTheRfcsResponse() {
        ServerHandshakeResult result = chatServer.accept(parse(RFC_REQUEST));

        assertThat(result).isInstanceOf(ServerHandshakeResult.Accepted.class);
        ServerHandshakeResult.Accepted accepted = (ServerHandshakeResult.Accepted) result;
        assertThat(accepted.subprotocol()).isEqualTo("chat");
        assertThat(accepted.extensions()).isEmpty();
        assertThat(accepted.request().target()).isEqualTo("/chat");
        assertThat(text(accepted.response())).isEqualTo("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "Sec-WebSocket-Protocol: chat\r\n"
                + "\r\n");
    }

    @Test
    void readsUpgradeAndConnectionAsCaseInsensitiveTokenLists() {
        HttpRequestHead request = validWith(List.of("Upgrade", "Connection"),
                "Upgrade: h2c, WebSocket", "Connection: keep-alive", "Connection: UPGRADE");

        assertThat(ServerHandshake.builder().build().accept(request)).isInstanceOf(ServerHandshakeResult.Accepted.class);
    }

    @Test
    void acceptsLaterHttpVersions() {
        HttpRequestHead request = Requests.request("GET / HTTP/1.2", Requests.validLines());

        assertThat(ServerHandshake.builder().build().accept(request)).isInstanceOf(ServerHandshakeResult.Accepted.class);
    }

    @Test
    void selectsTheServersFavouriteAmongTheOfferedSubprotocolsAcrossHeaders() {
        ServerHandshake server = ServerHandshake.builder().subprotocols("v2.proto", "v1.proto").build();
        HttpRequestHead request = validWith("Sec-WebSocket-Protocol: v1.proto", "Sec-WebSocket-Protocol: x, v2.proto");

        ServerHandshakeResult.Accepted accepted = (ServerHandshakeResult.Accepted) server.accept(request);

        assertThat(accepted.subprotocol()).isEqualTo("v2.proto");
        assertThat(text(accepted.response())).contains("\r\nSec-WebSocket-Protocol: v2.proto\r\n");
    }

    @Test
    void selectsNoSubprotocolWhenNoneMatches() {
        ServerHandshake server = ServerHandshake.builder().subprotocols("chat").build();

        ServerHandshakeResult.Accepted accepted =
                (ServerHandshakeResult.Accepted) server.accept(validWith("Sec-WebSocket-Protocol: Chat"));

        assertThat(accepted.subprotocol()).isNull();
        assertThat(text(accepted.response())).doesNotContain("Sec-WebSocket-Protocol");
    }

    @Test
    void usesACustomSelectorAndDoesNotAskItWhenNothingWasOffered() {
        ServerHandshake server = ServerHandshake.builder()
                .subprotocolSelector(offered -> {
                    assertThat(offered).isNotEmpty();
                    return Optional.of(offered.get(offered.size() - 1));
                })
                .build();

        assertThat(((ServerHandshakeResult.Accepted) server.accept(validWith("Sec-WebSocket-Protocol: a, b"))).subprotocol())
                .isEqualTo("b");
        assertThat(((ServerHandshakeResult.Accepted) server.accept(validWith())).subprotocol()).isNull();
    }

    @Test
    void aSelectorThatPicksSomethingNotOfferedIsABugNotThePeersMistake() {
        ServerHandshake server = ServerHandshake.builder().subprotocolSelector(offered -> Optional.of("other")).build();

        assertThatThrownBy(() -> server.accept(validWith("Sec-WebSocket-Protocol: a")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("other");
    }

    @Test
    void addsExtraResponseHeadersAfterItsOwn() {
        ServerHandshake server = ServerHandshake.builder().responseHeaders(HttpHeaders.of("Server", "duplex")).build();

        ServerHandshakeResult result = server.accept(validWith(), HttpHeaders.of("Set-Cookie", "id=1"));

        assertThat(text(result.response())).endsWith("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                + "Server: duplex\r\nSet-Cookie: id=1\r\n\r\n");
    }

    @Test
    void refusesExtraHeadersThatTheHandshakeWritesItself() {
        assertThatThrownBy(() -> ServerHandshake.builder().responseHeaders(HttpHeaders.of("sec-websocket-accept", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sec-websocket-accept");
        assertThatThrownBy(() -> ServerHandshake.builder().build().accept(validWith(), HttpHeaders.of("Upgrade", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tellsUpgradeRequestsFromPlainOnes() {
        assertThat(ServerHandshake.isUpgradeRequest(validWith())).isTrue();
        assertThat(ServerHandshake.isUpgradeRequest(validWith(List.of("Upgrade")))).isFalse();
    }

    @Test
    void theDefaultOriginPolicyAllowsSameOriginAndNoOrigin() {
        ServerHandshake server = ServerHandshake.builder().build();

        assertThat(server.accept(validWith())).isInstanceOf(ServerHandshakeResult.Accepted.class);
        assertThat(server.accept(validWith("Origin: https://Server.Example.com")))
                .isInstanceOf(ServerHandshakeResult.Accepted.class);
        assertThat(server.accept(validWith(List.of("Host"), "Host: server.example.com:8080",
                "Origin: http://server.example.com:8080"))).isInstanceOf(ServerHandshakeResult.Accepted.class);
        assertThat(server.accept(validWith(List.of("Host"), "Host: [::1]:9000", "Origin: http://[::1]:9000")))
                .isInstanceOf(ServerHandshakeResult.Accepted.class);
    }

    @Test
    void theDefaultOriginPolicyRefusesOtherOrigins() {
        ServerHandshake server = ServerHandshake.builder().build();

        for (String origin : List.of("http://evil.example", "null", "http://server.example.com:8080",
                "http://server.example.com.evil.example", "not a uri")) {
            assertThat(server.accept(validWith("Origin: " + origin)))
                    .as(origin)
                    .isInstanceOfSatisfying(ServerHandshakeResult.Rejected.class,
                            r -> assertThat(r.kind()).isEqualTo(RejectionKind.ORIGIN_REFUSED));
        }
    }

    @Test
    void givesTheOriginPolicyTheOriginAndTheRequest() {
        ServerHandshake server = ServerHandshake.builder()
                .originPolicy((origin, request) -> origin == null && request.target().equals("/chat"))
                .build();

        assertThat(server.accept(validWith())).isInstanceOf(ServerHandshakeResult.Accepted.class);
        assertThat(server.accept(validWith("Origin: http://a"))).isInstanceOf(ServerHandshakeResult.Rejected.class);
    }
}
