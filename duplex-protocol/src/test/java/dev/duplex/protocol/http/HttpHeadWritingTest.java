package dev.duplex.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadWritingTest {

    @Test
    void writesAResponseHeadWithCrlfLines() {
        HttpResponseHead head = HttpResponseHead.of(101, HttpHeaders.of("Upgrade", "websocket", "Connection", "Upgrade"));

        assertThat(new String(head.toBytes(), StandardCharsets.ISO_8859_1)).isEqualTo(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    }

    @Test
    void writesARequestHead() {
        HttpRequestHead head = HttpRequestHead.of("GET", "/a?b=c", HttpHeaders.of("Host", "h"));

        assertThat(new String(head.toBytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void writtenHeadsParseBackToTheSameValue() throws Exception {
        HttpRequestHead request = HttpRequestHead.of("GET", "/", HttpHeaders.of("A", "1", "a", "2", "B", "caf\u00e9"));
        HttpResponseHead response = new HttpResponseHead(HttpVersion.HTTP_1_1, 426, "", HttpHeaders.of("X", "y"));

        assertThat(HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT).parse(ByteBuffer.wrap(request.toBytes())))
                .contains(request);
        assertThat(HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT).parse(ByteBuffer.wrap(response.toBytes())))
                .contains(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\u0000", "\u0100"})
    void refusesValuesThatCouldInjectHeaders(String value) {
        assertThatThrownBy(() -> HttpHeaders.of("X-A", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-A");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "X A", "X:A", "X\r\nY"})
    void refusesNamesThatAreNotTokens(String name) {
        assertThatThrownBy(() -> HttpHeaders.of(name, "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesInvalidStartLineParts() {
        assertThatThrownBy(() -> HttpRequestHead.of("GET", "/a b", HttpHeaders.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpRequestHead.of("G T", "/", HttpHeaders.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponseHead(HttpVersion.HTTP_1_1, 99, "", HttpHeaders.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponseHead(HttpVersion.HTTP_1_1, 200, "OK\r\nX: y", HttpHeaders.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitsCommaListsSkippingEmptyElements() {
        assertThat(HttpTokens.splitList(" a ,, b\t,c,")).containsExactly("a", "b", "c");
        assertThat(HttpTokens.splitList("")).isEmpty();
        assertThat(HttpTokens.splitList(" , ")).isEmpty();
    }

    @Test
    void plusKeepsOrder() {
        HttpHeaders both = HttpHeaders.of("A", "1").plus(HttpHeaders.of("B", "2"));

        assertThat(both.asList()).containsExactly(new HttpHeader("A", "1"), new HttpHeader("B", "2"));
    }
}
