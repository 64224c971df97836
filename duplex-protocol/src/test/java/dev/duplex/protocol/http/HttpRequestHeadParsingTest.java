package dev.duplex.protocol.http;

import static dev.duplex.protocol.http.Heads.RFC_REQUEST;
import static dev.duplex.protocol.http.Heads.bytes;
import static dev.duplex.protocol.http.Heads.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class HttpRequestHeadParsingTest {
    @Test
    void parsesTheRfc6455ExampleRequest() throws Exception {
        HttpRequestHead head = request(RFC_REQUEST);

        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.target()).isEqualTo("/chat");
        assertThat(head.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(head.headers().size()).isEqualTo(7);
        assertThat(head.headers().first("sec-websocket-key")).contains("dGhlIHNhbXBsZSBub25jZQ==");
        assertThat(head.headers().tokens("Sec-WebSocket-Protocol")).containsExactly("chat", "superchat");
    }

    @Test
    void leavesTheBytesAfterTheHeadInTheBuffer() throws Exception {
        ByteBuffer in = bytes(RFC_REQUEST + "\u0081\u0085frame");
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT);

        assertThat(parser.parse(in)).isPresent();

        assertThat(in.position()).isEqualTo(RFC_REQUEST.length());
        assertThat(parser.bytesConsumed()).isEqualTo(RFC_REQUEST.length());
        assertThat(in.remaining()).isEqualTo(7);
        assertThat(parser.isComplete()).isTrue();
    }

    @Test
    void keepsRepeatedHeadersInOrderAndReadsTokenListsAcrossThem() throws Exception {
        HttpRequestHead head = request("GET / HTTP/1.1\r\nConnection: keep-alive, ,Upgrade\r\n"
                + "X-A: 1\r\nconnection:  close \r\n\r\n");

        assertThat(head.headers().values("CONNECTION")).containsExactly("keep-alive, ,Upgrade", "close");
        assertThat(head.headers().tokens("Connection")).containsExactly("keep-alive", "Upgrade", "close");
        assertThat(head.headers().containsToken("connection", "UPGRADE")).isTrue();
        assertThat(head.headers().count("Connection")).isEqualTo(2);
    }

    @Test
    void trimsOptionalWhitespaceAroundValuesAndKeepsInnerWhitespace() throws Exception {
        HttpRequestHead head = request("GET / HTTP/1.1\r\nX-A:\t a  b \t\r\nX-Empty:\r\nX-Spaces:   \r\n\r\n");

        assertThat(head.headers().first("x-a")).contains("a  b");
        assertThat(head.headers().first("x-empty")).contains("");
        assertThat(head.headers().first("x-spaces")).contains("");
    }

    @Test
    void keepsObsTextInValuesAsIso88591() throws Exception {
        HttpRequestHead head = request("GET / HTTP/1.1\r\nX-A: caf\u00e9\r\n\r\n");

        assertThat(head.headers().first("X-A")).contains("caf\u00e9");
    }

    @Test
    void returnsEmptyUntilTheBlankLineArrives() throws Exception {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT);

        assertThat(parser.parse(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r"))).isEmpty();
        assertThat(parser.parse(bytes("\n"))).isPresent();
    }

    @Test
    void refusesToBeUsedAgainAfterItsHead() throws Exception {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT);
        parser.parse(bytes("GET / HTTP/1.1\r\n\r\n"));

        assertThatThrownBy(() -> parser.parse(bytes("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesToBeUsedAgainAfterAnError() {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT);
        assertThatThrownBy(() -> parser.parse(bytes("GET / HTTP/1.1\n"))).isInstanceOf(HttpHeadException.class);

        assertThatThrownBy(() -> parser.parse(bytes("x"))).isInstanceOf(IllegalStateException.class);
    }
}
