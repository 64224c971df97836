package dev.duplex.protocol.http;

import static dev.duplex.protocol.http.Heads.bytes;
import static dev.duplex.protocol.http.Heads.requestError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadSyntaxErrorsTest {
    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\nHost: a\r\n\r\n",          // bare LF ending the start line
        "GET / HTTP/1.1\r\nHost: a\n\r\n",          // bare LF ending a header
        "GET / HTTP/1.1\r\nHost: a\r\n\n",          // bare LF as the blank line
        "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",     // bare CR inside a line
        "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n",      // CR CR LF
    })
    void rejectsLineEndingsOtherThanCrlf(String head) {
        HttpHeadException e = requestError(head);

        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.MALFORMED);
        assertThat(e.getMessage()).contains("CRLF");
    }

    @Test
    void rejectsObsFold() {
        HttpHeadException e = requestError("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n");

        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.MALFORMED);
        assertThat(e.getMessage()).contains("obs-fold");
    }

    @Test
    void rejectsWhitespaceBeforeTheFirstHeader() {
        assertThat(requestError("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n").getMessage()).contains("obs-fold");
    }

    @Test
    void rejectsObsFoldAtItsFirstByte() {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT);
        ByteBuffer in = bytes("GET / HTTP/1.1\r\nX-A: one\r\n two");

        assertThatThrownBy(() -> parser.parse(in)).isInstanceOf(HttpHeadException.class);
        assertThat(parser.bytesConsumed()).isEqualTo("GET / HTTP/1.1\r\nX-A: one\r\n ".length());
    }

    @Test
    void rejectsAHeaderWithoutColon() {
        assertThat(requestError("GET / HTTP/1.1\r\nHost a\r\n\r\n").getMessage()).contains("no colon");
    }

    @Test
    void rejectsWhitespaceBeforeTheColon() {
        assertThat(requestError("GET / HTTP/1.1\r\nHost : a\r\n\r\n").getMessage()).contains("whitespace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X(A)", "X/A", "X\"A", "X@A", "X[A]", "X\u00e9", "X{A}", "X=A", "X,A", ":"})
    void rejectsHeaderNamesThatAreNotTokens(String name) {
        HttpHeadException e = requestError("GET / HTTP/1.1\r\n" + name + ": v\r\n\r\n");

        assertThat(e.kind()).isEqualTo(HttpHeadException.Kind.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u007fb", "a\u0001", "\u001b[31m"})
    void rejectsControlCharactersInValues(String value) {
        assertThat(requestError("GET / HTTP/1.1\r\nX-A: " + value + "\r\n\r\n").getMessage())
                .contains("control character");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /  HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET /", "GET / HTTP/1",
        "GET / HTTP/1.1.1", "G(T / HTTP/1.1", "GET /\u00e9 HTTP/1.1", "GET", "GET / FTP/1.1", "GET / HTTP/a.1"})
    void rejectsMalformedRequestLines(String requestLine) {
        assertThat(requestError(requestLine + "\r\n\r\n").kind()).isEqualTo(HttpHeadException.Kind.MALFORMED);
    }

    @Test
    void rejectsAnEmptyStartLine() {
        assertThat(requestError("\r\nGET / HTTP/1.1\r\n\r\n").getMessage()).contains("empty start line");
    }

    @Test
    void failsAtTheStartLineBeforeReadingHeaders() {
        HttpHeadParser<HttpRequestHead> parser = HttpHeadParser.forRequest(HttpHeadLimits.DEFAULT);
        ByteBuffer in = bytes("GET /\r\nHost: a\r\n\r\n");

        assertThatThrownBy(() -> parser.parse(in)).isInstanceOf(HttpHeadException.class);
        assertThat(in.position()).isEqualTo("GET /\r\n".length());
    }
}
