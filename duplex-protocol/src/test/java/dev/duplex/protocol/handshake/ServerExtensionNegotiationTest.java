package dev.duplex.protocol.handshake;

import static dev.duplex.protocol.handshake.Requests.text;
import static dev.duplex.protocol.handshake.Requests.validWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6455 §9.1: the server takes the client's offers in order, one per extension, no shared RSV bits. */
class ServerExtensionNegotiationTest {
    private final FakeExtensionFactory xTest = FakeExtensionFactory.xTest();

    private ServerHandshakeResult.Accepted accept(FakeExtensionFactory... factories) {
        return accept(List.of(factories), "Sec-WebSocket-Extensions: x-test");
    }

    private ServerHandshakeResult.Accepted accept(List<FakeExtensionFactory> factories, String... lines) {
        ServerHandshake server = ServerHandshake.builder().extensions(List.copyOf(factories)).build();
        return (ServerHandshakeResult.Accepted) server.accept(validWith(lines));
    }

    @Test
    void acceptsAnOfferedExtensionAndStatesItInTheResponse() {
        ServerHandshakeResult.Accepted accepted =
                accept(List.of(xTest), "Sec-WebSocket-Extensions: x-test; level=3; quick");

        assertThat(accepted.extensions()).hasSize(1);
        assertThat(accepted.extensions().get(0).rsvBits()).isEqualTo(Extension.RSV2);
        assertThat(text(accepted.response())).contains("\r\nSec-WebSocket-Extensions: x-test; level=3; quick\r\n");
    }

    /** Headers decided after the checks (an application's upgrade check) join the same agreement. */
    @Test
    void responseHeadersAddedLaterKeepTheAgreementAndItsExtensions() {
        ServerHandshake server = ServerHandshake.builder().extensions(List.of(xTest)).build();
        ServerHandshakeResult.Accepted first =
                (ServerHandshakeResult.Accepted) server.accept(validWith("Sec-WebSocket-Extensions: x-test; level=3"));

        ServerHandshakeResult.Accepted later = server.withResponseHeaders(first, HttpHeaders.of("Set-Cookie", "id=7"));

        assertThat(later.extensions()).containsExactlyElementsOf(first.extensions()); // the same instances
        assertThat(later.subprotocol()).isEqualTo(first.subprotocol());
        assertThat(text(later.response())).isEqualTo(text(first.response()).replace("\r\n\r\n", "\r\nSet-Cookie: id=7\r\n\r\n"));
        assertThatThrownBy(() -> server.withResponseHeaders(first, HttpHeaders.of("Sec-WebSocket-Extensions", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ignoresExtensionsItDoesNotSupport() {
        ServerHandshakeResult.Accepted accepted =
                accept(List.of(xTest), "Sec-WebSocket-Extensions: permessage-deflate, x-other");

        assertThat(accepted.extensions()).isEmpty();
        assertThat(text(accepted.response())).doesNotContain("Sec-WebSocket-Extensions");
    }

    @Test
    void tryTheNextOfferWhenOneIsDeclinedAndStopAtTheFirstAcceptance() {
        ServerHandshakeResult.Accepted accepted = accept(List.of(xTest),
                "Sec-WebSocket-Extensions: x-test; decline, X-Test; v=1", "Sec-WebSocket-Extensions: x-test; v=2");

        assertThat(accepted.extensions()).extracting(e -> e.agreed().parameter("v").orElseThrow().value())
                .containsExactly("1");
        assertThat(xTest.asked).hasSize(2);
    }

    @Test
    void listsAgreedExtensionsInTheClientsOrder() {
        FakeExtensionFactory other = new FakeExtensionFactory("x-other", Extension.RSV3);

        ServerHandshakeResult.Accepted accepted = accept(List.of(xTest, other),
                "Sec-WebSocket-Extensions: x-other, x-test");

        assertThat(accepted.extensions()).extracting(e -> e.agreed().name()).containsExactly("x-other", "x-test");
        assertThat(text(accepted.response())).contains("Sec-WebSocket-Extensions: x-other, x-test\r\n");
    }

    @Test
    void dropsAndClosesAnAcceptanceWhoseRsvBitsAreTaken() {
        FakeExtensionFactory rival = new FakeExtensionFactory("x-rival", Extension.RSV2 | Extension.RSV1);

        ServerHandshakeResult.Accepted accepted = accept(List.of(xTest, rival),
                "Sec-WebSocket-Extensions: x-test, x-rival");

        assertThat(accepted.extensions()).extracting(e -> e.agreed().name()).containsExactly("x-test");
        assertThat(rival.made).hasSize(1);
        assertThat(rival.made.get(0).closed).isTrue();
        assertThat(xTest.made.get(0).closed).isFalse();
    }

    @Test
    void closesWhatItAlreadyAcceptedWhenALaterOfferIsMalformed() {
        FakeExtensionFactory other = new FakeExtensionFactory("x-other", Extension.RSV3);
        ServerHandshake server = ServerHandshake.builder().extensions(List.of(xTest, other)).build();

        ServerHandshakeResult result = server.accept(validWith("Sec-WebSocket-Extensions: x-test, x-other; bad"));

        assertThat(result).isInstanceOf(ServerHandshakeResult.Rejected.class);
        assertThat(xTest.made.get(0).closed).isTrue();
    }

    @Test
    void refusesTwoFactoriesWithTheSameName() {
        assertThatThrownBy(() -> ServerHandshake.builder().extensions(List.of(xTest,
                new FakeExtensionFactory("X-TEST", Extension.RSV1, ExtensionOffer.of("X-TEST")))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
