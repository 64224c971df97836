package dev.duplex.protocol.http;

import static dev.duplex.protocol.http.Heads.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpHeadLimitsTest {
    private final HttpHeadLimits small = HttpHeadLimits.builder().maxHeadBytes(64).maxHeaderCount(3).build();

    @Test
    void acceptsAHeadOfExactlyTheLimit() throws Exception {
        String head = padTo("GET / HTTP/1.1\r\nX: ", 64 - 4) + "\r\n\r\n";
        assertThat(head).hasSize(64);
        ByteBuffer in = bytes(head + "more");

        Optional<HttpRequestHead> parsed = HttpHeadParser.forRequest(small).parse(in);

        assertThat(parsed).isPresent();
        assertThat(in.remaining()).isEqualTo(4);
    }

    @Test
    void rejectsAHeadOneByteOverTheLimitWithoutReadingPastIt() {
        String head = padTo("GET / HTTP/1.1\r\nX: ", 64 - 3) + "\r\n\r\n";
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(small);
        ByteBuffer in = bytes(head);

        HttpHeadException e = catchThrowableOfType(HttpHeadException.class, () -> parser.parse(in));

        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.HEAD_TOO_LARGE);
        assertThat(e.isLimitExceeded()).isTrue();
        assertThat(e.getMessage()).contains("64 bytes");
        assertThat(parser.bytesConsumed()).isEqualTo(64);
        assertThat(in.position()).isEqualTo(64);
    }

    @Test
    void rejectsAnEndlessLineAsSoonAsItCrossesTheLimit() throws Exception {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(small);
        for (int i = 0; i < 64; i++) {
            assertThat(parser.parse(bytes("a"))).isEmpty();
        }

        HttpHeadException e = catchThrowableOfType(HttpHeadException.class, () -> parser.parse(bytes("a")));

        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.HEAD_TOO_LARGE);
    }

    @Test
    void acceptsExactlyTheMaximumNumberOfHeaders() throws Exception {
        String head = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";

        assertThat(HttpHeadParser.forRequest(small).parse(bytes(head)).orElseThrow().headers().size()).isEqualTo(3);
    }

    @Test
    void rejectsOneHeaderMoreAtTheFirstByteOfItsLine() {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(small);
        String beforeFourth = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n";

        HttpHeadException e = catchThrowableOfType(HttpHeadException.class,
                () -> parser.parse(bytes(beforeFourth + "D: 4\r\n\r\n")));

        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.TOO_MANY_HEADERS);
        assertThat(e.getMessage()).contains("more than 3 header lines");
        assertThat(parser.bytesConsumed()).isEqualTo(beforeFourth.length() + 1);
    }

    @Test
    void defaultsAreEightKibAndOneHundredHeaders() {
        assertThat(HttpHeadLimits.DEFAULT.maxHeadBytes()).isEqualTo(8192);
        assertThat(HttpHeadLimits.DEFAULT.maxHeaderCount()).isEqualTo(100);
    }

    @Test
    void refusesNonsensicalLimits() {
        assertThatThrownBy(() -> HttpHeadLimits.builder().maxHeadBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpHeadLimits.builder().maxHeaderCount(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private String padTo(String s, int length) {
        return s + "x".repeat(length - s.length());
    }
}
