package dev.duplex.protocol.handshake;

import static dev.duplex.protocol.handshake.Requests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.extension.ExtensionParameter;
import dev.duplex.protocol.http.HttpHeaders;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 §3 and §4.1: the client's request, from the URI to the bytes. */
class ClientHandshakeRequestTest {
    /** The key {@link FixedRandom} gives first. */
    static final String KEY = "AAECAwQFBgcICQoLDA0ODw==";

    static ClientHandshake.Builder to(String uri) {
        return ClientHandshake.builder(URI.create(uri)).random(FixedRandom.counting());
    }

    @Test
    void writesTheRequestForAPlainWsUri() {
        ClientHandshake handshake = to("ws://example.com/chat").build();

        assertThat(handshake.key()).isEqualTo(KEY);
        assertThat(text(handshake.requestBytes())).isEqualTo("GET /chat HTTP/1.1\r\n"
                + "Host: example.com\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n");
        assertThat(handshake.uri().port()).isEqualTo(80);
        assertThat(handshake.uri().secure()).isFalse();
    }

    @Test
    void bracketsIpv6HostsAndKeepsNonDefaultPortsAndQueries() {
        ClientHandshake handshake = to("ws://[::1]:9000/a?b=c").build();

        assertThat(text(handshake.requestBytes())).startsWith("GET /a?b=c HTTP/1.1\r\nHost: [::1]:9000\r\n");
        assertThat(handshake.uri().host()).isEqualTo("::1");
        assertThat(handshake.uri().port()).isEqualTo(9000);
    }

    @ParameterizedTest(name = "{0} -> Host: {1}, target {2}, port {3}")
    @CsvSource({
        "wss://host/,            host,            /,             443",
        "wss://host,             host,            /,             443",
        "wss://host:443/x,       host,            /x,            443",
        "ws://host:80,           host,            /,             80",
        "wss://host:8443/x,      host:8443,       /x,            8443",
        "ws://host:443/,         host:443,        /,             443",
        "WS://Host/p/q?x=1&y=%20, Host,           /p/q?x=1&y=%20, 80",
        "ws://host/a%2Fb?q=%C3%A9, host,          /a%2Fb?q=%C3%A9, 80",
        "ws://host/?,            host,            /,             80",
        "ws://host?x,            host,            /?x,           80",
        "ws://h/caf\u00e9,       h,               /caf%C3%A9,    80",
    })
    void followsRfc6455Section3(String uri, String hostHeader, String target, int port) {
        WebSocketUri parts = WebSocketUri.of(URI.create(uri));

        assertThat(parts.hostHeader()).isEqualTo(hostHeader);
        assertThat(parts.requestTarget()).isEqualTo(target);
        assertThat(parts.port()).isEqualTo(port);
    }

    @Test
    void rejectsFragments() {
        assertThatThrownBy(() -> to("ws://example.com/chat#part"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fragment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "https://example.com/", "ftp://example.com/", "/relative", "example.com"})
    void rejectsOtherSchemesNamingTheProblem(String uri) {
        assertThatThrownBy(() -> to(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ws or wss");
    }

    @Test
    void rejectsUrisWithoutHostOrWithUserInfo() {
        assertThatThrownBy(() -> to("ws:opaque")).hasMessageContaining("no host");
        assertThatThrownBy(() -> to("ws:///path")).hasMessageContaining("no host");
        assertThatThrownBy(() -> to("ws://user:pw@host/")).hasMessageContaining("user info");
    }

    @Test
    void offersSubprotocolsAndExtensions() {
        FakeExtensionFactory xTest = new FakeExtensionFactory("x-test", Extension.RSV2,
                ExtensionOffer.of("x-test", new ExtensionParameter("level", "3")), ExtensionOffer.of("x-test"));
        FakeExtensionFactory silent = new FakeExtensionFactory("x-silent", Extension.RSV3);

        ClientHandshake handshake = to("ws://example.com/")
                .subprotocols("chat", "superchat")
                .extensions(List.of(xTest, silent))
                .build();

        assertThat(handshake.request().headers().first("Sec-WebSocket-Protocol")).contains("chat, superchat");
        assertThat(handshake.request().headers().values("Sec-WebSocket-Extensions"))
                .containsExactly("x-test; level=3, x-test");
    }

    @Test
    void addsExtraHeadersAfterItsOwn() {
        ClientHandshake handshake = to("ws://example.com/")
                .header("Origin", "http://example.com")
                .headers(HttpHeaders.of("Authorization", "Bearer t"))
                .build();

        assertThat(text(handshake.requestBytes()))
                .endsWith("Sec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\nAuthorization: Bearer t\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Sec-WebSocket-Key", "sec-websocket-version", "Host", "Upgrade", "Connection",
        "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Content-Length"})
    void refusesToLetExtraHeadersOverrideTheHandshakes(String name) {
        assertThatThrownBy(() -> to("ws://example.com/").header(name, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name);
    }

    @Test
    void refusesCrOrLfInExtraHeaders() {
        assertThatThrownBy(() -> to("ws://example.com/").header("X-A", "1\r\nSec-WebSocket-Key: x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> to("ws://example.com/").header("X-A\r\nX-B", "1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesSubprotocolsThatAreNotTokensOrRepeated() {
        assertThatThrownBy(() -> to("ws://example.com/").subprotocols("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> to("ws://example.com/").subprotocols("a", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void makesAFreshKeyForEachHandshake() {
        ClientHandshake.Builder builder = ClientHandshake.builder(URI.create("ws://example.com/"));

        assertThat(builder.build().key()).isNotEqualTo(builder.build().key());
    }
}
