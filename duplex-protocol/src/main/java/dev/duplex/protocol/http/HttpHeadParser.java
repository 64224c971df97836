package dev.duplex.protocol.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses one HTTP/1.1 head (start line, header lines, blank line) from bytes that arrive in pieces
 * of any size, down to one byte at a time.
 *
 * <p>The parser consumes bytes only up to and including the CRLF CRLF that ends the head: what
 * follows (the first WebSocket frames, say) stays in the caller's buffer, whose position is left
 * right after the head. It is strict, because a handshake is no place for guessing: lines end with
 * CRLF (a bare CR or LF is an error), folded lines (obs-fold) are refused, header names must be
 * tokens with no space before the colon, and whitespace around values is trimmed.
 *
 * <p>Limits are enforced as bytes arrive, so at most {@link HttpHeadLimits#maxHeadBytes()} bytes
 * are ever held. Each line is checked as soon as its CRLF arrives: a bad request line fails
 * before any header is read.
 *
 * <p>One parser reads one head; it is not thread-safe.
 *
 * @param <H> {@link HttpRequestHead} or {@link HttpResponseHead}
 */
public final class HttpHeadParser<H> {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** Parses the start line and says how to build the head from the headers. */
    @FunctionalInterface
    private interface StartLineSyntax<H> {
        Function<HttpHeaders, H> parse(String line) throws HttpHeadException;
    }

    private enum State { READING, DONE, FAILED }

    private final HttpHeadLimits limits;
    private final StartLineSyntax<H> startLineSyntax;
    private final HttpHeaders.Builder headers = HttpHeaders.builder();

    private byte[] line = new byte[128];
    private int lineLength;
    private boolean sawCr;
    private int consumed;
    private Function<HttpHeaders, H> headFromHeaders;
    private State state = State.READING;

    private HttpHeadParser(HttpHeadLimits limits, StartLineSyntax<H> startLineSyntax) {
        this.limits = limits;
        this.startLineSyntax = startLineSyntax;
    }

    /** A parser for a request head (the server side of a handshake). */
    public static HttpHeadParser<HttpRequestHead> forRequest(HttpHeadLimits limits) {
        return new HttpHeadParser<>(limits, StartLines::requestLine);
    }

    /** A parser for a response head (the client side of a handshake). */
    public static HttpHeadParser<HttpResponseHead> forResponse(HttpHeadLimits limits) {
        return new HttpHeadParser<>(limits, StartLines::statusLine);
    }

    /**
     * Consumes bytes from {@code input} until the head is complete or the input runs out.
     *
     * @return the head once its blank line has been read (the input's position is then just past
     *         it), or empty if more bytes are needed (all of the input was consumed)
     * @throws HttpHeadException     if the bytes are not a valid head or cross a limit; the parser
     *                               is then unusable
     * @throws IllegalStateException if called after the head was returned or an error thrown
     */
    public Optional<H> parse(ByteBuffer input) throws HttpHeadException {
        if (state != State.READING) {
            throw new IllegalStateException("this parser has already " + (state == State.DONE ? "read its head" : "failed"));
        }
        try {
            while (input.hasRemaining()) {
                if (consumed == limits.maxHeadBytes()) {
                    // Checked before taking the byte: the head needs more than the limit allows.
                    throw new HttpHeadException(HttpHeadException.Kind.HEAD_TOO_LARGE,
                            "head is larger than " + limits.maxHeadBytes() + " bytes");
                }
                byte b = input.get();
                consumed++;
                H head = accept(b);
                if (head != null) {
                    state = State.DONE;
                    line = null;
                    return Optional.of(head);
                }
            }
            return Optional.empty();
        } catch (HttpHeadException e) {
            state = State.FAILED;
            line = null;
            throw e;
        }
    }

    /** Whether the head has been read. */
    public boolean isComplete() {
        return state == State.DONE;
    }

    /** How many bytes of input the parser has consumed so far. */
    public int bytesConsumed() {
        return consumed;
    }

    /** Takes one byte; returns the head when this byte completes it. */
    private H accept(byte b) throws HttpHeadException {
        if (sawCr) {
            if (b != LF) {
                throw HttpHeadException.malformed("CR not followed by LF; lines must end with CRLF");
            }
            sawCr = false;
            return endOfLine();
        }
        if (b == CR) {
            sawCr = true;
            return null;
        }
        if (b == LF) {
            throw HttpHeadException.malformed("bare LF; lines must end with CRLF");
        }
        if (lineLength == 0 && headFromHeaders != null) {
            checkHeaderLineStart(b);
        }
        if (lineLength == line.length) {
            // Never larger than the head limit: consumed bytes bound the line.
            line = Arrays.copyOf(line, Math.min(line.length * 2, limits.maxHeadBytes()));
        }
        line[lineLength++] = b;
        return null;
    }

    /** Fails at the first byte of a header line rather than at its end. */
    private void checkHeaderLineStart(byte b) throws HttpHeadException {
        if (b == ' ' || b == '\t') {
            throw HttpHeadException.malformed("header line starts with whitespace (obs-fold is not allowed)");
        }
        if (headers.size() == limits.maxHeaderCount()) {
            throw new HttpHeadException(HttpHeadException.Kind.TOO_MANY_HEADERS,
                    "more than " + limits.maxHeaderCount() + " header lines");
        }
    }

    private H endOfLine() throws HttpHeadException {
        // ISO-8859-1 maps each byte to one char, so checks on chars are checks on bytes.
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        if (headFromHeaders == null) {
            if (text.isEmpty()) {
                throw HttpHeadException.malformed("empty start line");
            }
            headFromHeaders = startLineSyntax.parse(text);
            return null;
        }
        if (text.isEmpty()) {
            return headFromHeaders.apply(headers.build());
        }
        headers.add(StartLines.headerLine(text));
        return null;
    }
}
