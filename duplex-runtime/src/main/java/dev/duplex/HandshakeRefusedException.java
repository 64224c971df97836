package dev.duplex;

import dev.duplex.protocol.http.HttpHeaders;
import java.io.IOException;
import java.util.Optional;

/**
 * The server answered the upgrade request with an HTTP status other than 101 Switching
 * Protocols: 401 for missing credentials, 403 for a refused Origin, 404 for a wrong path, 429 or
 * 503 to come back later. A client's connect future fails with it, so that the application can
 * act on the status and headers (refresh a token on 401, honour {@code Retry-After}) rather than
 * on a message. The body, which servers use to say why, is kept up to {@value #MAX_BODY} bytes.
 */
public final class HandshakeRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The most of a refusal's body that is read and kept. */
    public static final int MAX_BODY = 4096;

    private final int status;
    private final String reasonPhrase;
    private final transient HttpHeaders headers;
    private final String body;

    /**
     * @param status       the response's status code
     * @param reasonPhrase the status line's reason phrase (may be empty)
     * @param headers      the response's headers
     * @param body         the start of the response body, as UTF-8 text
     */
    public HandshakeRefusedException(int status, String reasonPhrase, HttpHeaders headers, String body) {
        super(message(status, reasonPhrase, body));
        this.status = status;
        this.reasonPhrase = reasonPhrase == null ? "" : reasonPhrase;
        this.headers = headers;
        this.body = body == null ? "" : body;
    }

    private static String message(int status, String reasonPhrase, String body) {
        String line = (status + " " + (reasonPhrase == null ? "" : reasonPhrase)).strip();
        StringBuilder m = new StringBuilder("the server refused the WebSocket handshake: it answered ").append(line)
                .append(" instead of 101 Switching Protocols");
        String why = firstLine(body);
        if (!why.isEmpty()) {
            m.append(": ").append(why);
        }
        return m.toString();
    }

    /** The body's first line, without control characters and shortened: a server's words, shown to a person. */
    private static String firstLine(String body) {
        if (body == null) {
            return "";
        }
        int end = body.indexOf('\n');
        String line = (end < 0 ? body : body.substring(0, end)).strip();
        StringBuilder clean = new StringBuilder();
        line.codePoints().filter(c -> !Character.isISOControl(c)).limit(200).forEach(clean::appendCodePoint);
        return clean.length() < line.length() && line.codePointCount(0, line.length()) > 200
                ? clean + "…" : clean.toString();
    }

    /** The HTTP status code the server answered with. */
    public int status() {
        return status;
    }

    /** The reason phrase of the status line ("Unauthorized"), or empty. */
    public String reasonPhrase() {
        return reasonPhrase;
    }

    /** The response's headers ({@code WWW-Authenticate}, {@code Retry-After}, ...). */
    public HttpHeaders headers() {
        return headers;
    }

    /** The first value of header {@code name}, ignoring case. */
    public Optional<String> header(String name) {
        return headers == null ? Optional.empty() : headers.first(name);
    }

    /** The start of the response body as text (at most {@value #MAX_BODY} bytes were read), or empty. */
    public String body() {
        return body;
    }
}
