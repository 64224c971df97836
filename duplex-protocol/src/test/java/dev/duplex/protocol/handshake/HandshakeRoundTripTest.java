package dev.duplex.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.extension.ExtensionParameter;
import dev.duplex.protocol.http.HttpHeadLimits;
import dev.duplex.protocol.http.HttpHeadParser;
import dev.duplex.protocol.http.HttpRequestHead;
import dev.duplex.protocol.http.HttpResponseHead;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A client and a server handshake wired back to back, bytes only, no sockets. */
class HandshakeRoundTripTest {

    @Test
    void theServerAcceptsWhatTheClientSendsAndTheClientAcceptsTheAnswer() throws Exception {
        FakeExtensionFactory clientXTest = new FakeExtensionFactory("x-test", Extension.RSV2,
                ExtensionOffer.of("x-test", new ExtensionParameter("level", "3")));
        FakeExtensionFactory serverXTest = FakeExtensionFactory.xTest();
        ClientHandshake client = ClientHandshake.builder(URI.create("ws://[::1]:9000/room/1?user=a%20b"))
                .subprotocols("v1.chat", "v2.chat")
                .extensions(List.of(clientXTest))
                .header("Origin", "http://[::1]:9000")
                .build();
        ServerHandshake server = ServerHandshake.builder()
                .subprotocols("v2.chat")
                .extensions(List.of(serverXTest))
                .build();

        // The client's request arrives with the first frame right behind it.
        byte[] frame = {(byte) 0x81, (byte) 0x80, 1, 2, 3, 4};
        ByteBuffer toServer = ByteBuffer.wrap(concat(client.requestBytes(), frame));
        HttpRequestHead request = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT).parse(toServer).orElseThrow();
        assertThat(toServer.remaining()).isEqualTo(frame.length);

        ServerHandshakeResult result = server.accept(request);
        assertThat(result).isInstanceOf(ServerHandshakeResult.Accepted.class);
        ServerHandshakeResult.Accepted accepted = (ServerHandshakeResult.Accepted) result;
        assertThat(accepted.request().target()).isEqualTo("/room/1?user=a%20b");

        ByteBuffer toClient = ByteBuffer.wrap(accepted.response());
        HttpResponseHead response = HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT).parse(toClient).orElseThrow();
        assertThat(toClient.hasRemaining()).isFalse();
        ClientHandshakeResult agreed = client.validate(response);

        assertThat(agreed.subprotocol()).isEqualTo("v2.chat").isEqualTo(accepted.subprotocol());
        assertThat(agreed.extensions()).extracting(Extension::agreed)
                .containsExactlyElementsOf(accepted.extensions().stream().map(Extension::agreed).toList());
        assertThat(agreed.extensions().get(0).agreed().parameter("level").orElseThrow().value()).isEqualTo("3");
    }

    @Test
    void aPlainClientAndServerAgreeOnNothingExtra() throws Exception {
        ClientHandshake client = ClientHandshake.builder(URI.create("wss://example.com")).build();
        ServerHandshakeResult.Accepted accepted = (ServerHandshakeResult.Accepted) ServerHandshake.builder().build()
                .accept(HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT)
                        .parse(ByteBuffer.wrap(client.requestBytes())).orElseThrow());

        ClientHandshakeResult agreed = client.validate(HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT)
                .parse(ByteBuffer.wrap(accepted.response())).orElseThrow());

        assertThat(agreed.subprotocol()).isNull();
        assertThat(agreed.extensions()).isEmpty();
        assertThat(accepted.request().headers().first("Host")).contains("example.com");
    }

    @Test
    void aClientFailsOnAServersRejection() throws Exception {
        ClientHandshake client = ClientHandshake.builder(URI.create("ws://example.com/")).header("Origin", "http://evil.example").build();
        ServerHandshakeResult.Rejected rejected = (ServerHandshakeResult.Rejected) ServerHandshake.builder().build()
                .accept(HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT)
                        .parse(ByteBuffer.wrap(client.requestBytes())).orElseThrow());

        HttpResponseHead response = HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT)
                .parse(ByteBuffer.wrap(rejected.response())).orElseThrow();

        assertThatThrownBy(() -> client.validate(response))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.statusCode()).isEqualTo(403))
                .hasMessage("server answered 403 Forbidden instead of 101 Switching Protocols");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
