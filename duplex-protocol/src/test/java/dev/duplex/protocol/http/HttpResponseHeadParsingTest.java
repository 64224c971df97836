package dev.duplex.protocol.http;

import static dev.duplex.protocol.http.Heads.bytes;
import static dev.duplex.protocol.http.Heads.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpResponseHeadParsingTest {
    @Test
    void parsesAStatusLineAndHeaders() throws Exception {
        HttpResponseHead head = response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

        assertThat(head.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(head.statusCode()).isEqualTo(101);
        assertThat(head.reason()).isEqualTo("Switching Protocols");
        assertThat(head.headers().first("upgrade")).contains("websocket");
    }

    @Test
    void acceptsAnEmptyReasonWithOrWithoutItsSpace() throws Exception {
        assertThat(response("HTTP/1.1 404 \r\n\r\n").reason()).isEmpty();
        assertThat(response("HTTP/1.1 404\r\n\r\n").reason()).isEmpty();
        assertThat(response("HTTP/1.0 200 all  fine here\r\n\r\n").reason()).isEqualTo("all  fine here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 10 x", "HTTP/1.1 1011 x", "HTTP/1.1 abc x", "HTTP/1.1 099 x",
        "HTTP/1.1  101 x", "HTTP/11 101 x", "http/1.1 101 x", "ICY 200 OK", "HTTP/1.1 101 a\u0000b"})
    void rejectsMalformedStatusLines(String statusLine) {
        HttpHeadException e = catchThrowableOfType(HttpHeadException.class,
                () -> HttpHeadParser.forResponse(HttpHeadLimits.DEFAULT).parse(bytes(statusLine + "\r\n\r\n")));

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.MALFORMED);
    }
}
