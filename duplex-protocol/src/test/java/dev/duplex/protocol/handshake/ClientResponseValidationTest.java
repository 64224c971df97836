package dev.duplex.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpResponseHead;
import dev.duplex.protocol.http.HttpVersion;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6455 §4.1 (after sending): every way a server's answer can be wrong, each with its own error. */
class ClientResponseValidationTest {
    private final FakeExtensionFactory xTest = FakeExtensionFactory.xTest();
    private final ClientHandshake handshake = ClientHandshake.builder(URI.create("ws://example.com/chat"))
            .random(FixedRandom.counting())
            .subprotocols("chat", "superchat")
            .extensions(List.of(xTest))
            .build();
    private final String accept = HandshakeKeys.acceptFor(handshake.key());

    /** The headers of a correct 101, with {@code removed} taken out and {@code added} appended. */
    private HttpResponseHead switching(List<String> removed, String... added) {
        List<String> lines = new ArrayList<>(List.of("Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", accept));
        for (int i = lines.size() - 2; i >= 0; i -= 2) {
            if (removed.contains(lines.get(i))) {
                lines.remove(i + 1);
                lines.remove(i);
            }
        }
        lines.addAll(List.of(added));
        return new HttpResponseHead(HttpVersion.HTTP_1_1, 101, "Switching Protocols",
                HttpHeaders.of(lines.toArray(String[]::new)));
    }

    private HttpResponseHead switching(String... added) {
        return switching(List.of(), added);
    }

    private HandshakeException failure(HttpResponseHead response) {
        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> handshake.validate(response));
        assertThat(e).as("validation should fail").isNotNull();
        return e;
    }

    @Test
    void acceptsACorrectResponse() throws Exception {
        ClientHandshakeResult result = handshake.validate(switching("Sec-WebSocket-Protocol", "superchat",
                "Sec-WebSocket-Extensions", "x-test; level=1", "Set-Cookie", "a=b"));

        assertThat(result.subprotocol()).isEqualTo("superchat");
        assertThat(result.extensions()).hasSize(1);
        assertThat(result.extensions().get(0).agreed().parameter("level").orElseThrow().value()).isEqualTo("1");
        assertThat(result.headers().first("Set-Cookie")).contains("a=b");
    }

    @Test
    void acceptsNoSubprotocolAndNoExtensions() throws Exception {
        ClientHandshakeResult result = handshake.validate(switching());

        assertThat(result.subprotocol()).isNull();
        assertThat(result.extensions()).isEmpty();
    }

    @Test
    void acceptsUpgradeAndConnectionInAnyCaseAndInLists() throws Exception {
        handshake.validate(switching(List.of("Upgrade", "Connection"), "Upgrade", "WebSocket",
                "Connection", "keep-alive", "Connection", "UPGRADE"));
    }

    @Test
    void aStatusOtherThan101NamesTheStatusAndReason() {
        HandshakeException e = failure(new HttpResponseHead(HttpVersion.HTTP_1_1, 403, "Forbidden", HttpHeaders.EMPTY));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.UNEXPECTED_STATUS);
        assertThat(e.statusCode()).isEqualTo(403);
        assertThat(e).hasMessage("server answered 403 Forbidden instead of 101 Switching Protocols");
    }

    @Test
    void aStatusWithAnEmptyReasonStillReadsWell() {
        assertThat(failure(new HttpResponseHead(HttpVersion.HTTP_1_1, 200, "", HttpHeaders.EMPTY)))
                .hasMessage("server answered 200 instead of 101 Switching Protocols");
    }

    @Test
    void a101OverHttp10IsRefused() {
        HttpResponseHead ok = switching();
        HandshakeException e = failure(new HttpResponseHead(HttpVersion.HTTP_1_0, 101, "Switching Protocols", ok.headers()));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.UNEXPECTED_STATUS);
        assertThat(e).hasMessageContaining("HTTP/1.1");
    }

    @Test
    void aMissingUpgradeHeader() {
        HandshakeException e = failure(switching(List.of("Upgrade")));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_UPGRADE);
        assertThat(e).hasMessage("response has no Upgrade header");
    }

    @Test
    void anUpgradeHeaderForAnotherProtocol() {
        assertThat(failure(switching(List.of("Upgrade"), "Upgrade", "h2c")))
                .hasMessage("response's Upgrade header does not name websocket");
    }

    @Test
    void aMissingConnectionHeader() {
        HandshakeException e = failure(switching(List.of("Connection")));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_CONNECTION);
        assertThat(e).hasMessage("response has no Connection header");
    }

    @Test
    void aConnectionHeaderWithoutUpgrade() {
        assertThat(failure(switching(List.of("Connection"), "Connection", "keep-alive")))
                .hasMessage("response's Connection header does not list upgrade");
    }

    @Test
    void aMissingAccept() {
        HandshakeException e = failure(switching(List.of("Sec-WebSocket-Accept")));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_ACCEPT);
        assertThat(e).hasMessage("response has no Sec-WebSocket-Accept header");
    }

    @Test
    void anIncorrectAccept() {
        HandshakeException e = failure(switching(List.of("Sec-WebSocket-Accept"),
                "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_ACCEPT);
        assertThat(e).hasMessage("response's Sec-WebSocket-Accept does not match the key sent");
    }

    @Test
    void aRepeatedAccept() {
        assertThat(failure(switching("Sec-WebSocket-Accept", accept)))
                .hasMessage("response has more than one Sec-WebSocket-Accept header");
    }

    @Test
    void anUnofferedSubprotocol() {
        HandshakeException e = failure(switching("Sec-WebSocket-Protocol", "Chat"));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_SUBPROTOCOL);
        assertThat(e).hasMessage("server selected subprotocol Chat, which was not offered");
    }

    @Test
    void aSubprotocolWhenNoneWasOffered() throws Exception {
        ClientHandshake plain = ClientHandshake.builder(URI.create("ws://example.com/")).build();
        HttpResponseHead response = new HttpResponseHead(HttpVersion.HTTP_1_1, 101, "", HttpHeaders.of(
                "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", HandshakeKeys.acceptFor(plain.key()), "Sec-WebSocket-Protocol", "chat"));

        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> plain.validate(response));

        assertThat(e).hasMessage("server selected subprotocol chat but none was offered");
    }

    @Test
    void moreThanOneSubprotocol() {
        assertThat(failure(switching("Sec-WebSocket-Protocol", "chat", "Sec-WebSocket-Protocol", "superchat")))
                .hasMessage("response's Sec-WebSocket-Protocol must name one subprotocol, not 2");
        assertThat(failure(switching("Sec-WebSocket-Protocol", "chat, superchat")).kind())
                .isEqualTo(HandshakeException.Kind.BAD_SUBPROTOCOL);
    }

    @Test
    void anUnofferedExtension() {
        HandshakeException e = failure(switching("Sec-WebSocket-Extensions", "permessage-deflate"));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_EXTENSION);
        assertThat(e).hasMessage("server accepted extension permessage-deflate that was not offered");
    }

    @Test
    void anExtensionListedTwiceAndTheFirstIsClosed() {
        HandshakeException e = failure(switching("Sec-WebSocket-Extensions", "x-test", "Sec-WebSocket-Extensions", "X-Test"));

        assertThat(e).hasMessage("server's response lists extension X-Test more than once");
        assertThat(xTest.made).singleElement().satisfies(ext -> assertThat(ext.closed).isTrue());
    }

    @Test
    void anExtensionWhoseTermsItsFactoryRefuses() {
        HandshakeException e = failure(switching("Sec-WebSocket-Extensions", "x-test; bad"));

        assertThat(e.kind()).isEqualTo(HandshakeException.Kind.BAD_EXTENSION);
        assertThat(e).hasMessage("server's terms for extension x-test are not acceptable: x-test: parameter bad is not allowed");
    }

    @Test
    void aMalformedExtensionsHeader() {
        assertThat(failure(switching("Sec-WebSocket-Extensions", "x-test;")))
                .hasMessage("response's malformed Sec-WebSocket-Extensions: expected a parameter name at index 7");
    }

    @Test
    void extensionsThatShareAnRsvBit() {
        FakeExtensionFactory a = new FakeExtensionFactory("x-a", Extension.RSV1, ExtensionOffer.of("x-a"));
        FakeExtensionFactory b = new FakeExtensionFactory("x-b", Extension.RSV1, ExtensionOffer.of("x-b"));
        ClientHandshake both = ClientHandshake.builder(URI.create("ws://example.com/")).extensions(List.of(a, b)).build();
        HttpResponseHead response = new HttpResponseHead(HttpVersion.HTTP_1_1, 101, "", HttpHeaders.of(
                "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", HandshakeKeys.acceptFor(both.key()), "Sec-WebSocket-Extensions", "x-a, x-b"));

        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> both.validate(response));

        assertThat(e).hasMessage("extension x-b wants an RSV bit an earlier extension owns");
        assertThat(a.made.get(0).closed).isTrue();
        assertThat(b.made.get(0).closed).isTrue();
    }
}
