package dev.duplex.internal;

import dev.duplex.protocol.http.HttpHeader;
import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpResponseHead;
import dev.duplex.protocol.http.HttpStatus;
import dev.duplex.protocol.http.HttpVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Complete HTTP/1.1 responses for the server's plain-HTTP answers; each closes the connection. */
final class HttpResponses {
    private HttpResponses() {}

    static ByteBuffer text(int status, String body, String... extraHeaders) {
        return of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false, extraHeaders);
    }

    /** A plain-text response with {@code extra} headers after the server's own (an upgrade check's refusal). */
    static ByteBuffer text(int status, String body, HttpHeaders extra) {
        String[] pairs = new String[2 * extra.size()];
        int i = 0;
        for (HttpHeader h : extra.asList()) {
            pairs[i++] = h.name();
            pairs[i++] = h.value();
        }
        return text(status, body, pairs);
    }

    /**
     * @param headOnly answer a HEAD request: the headers of the full response, no body
     */
    static ByteBuffer of(int status, String contentType, byte[] body, boolean headOnly, String... extraHeaders) {
        HttpHeaders.Builder h = HttpHeaders.builder()
                .add("Content-Type", contentType)
                .add("Content-Length", Integer.toString(body.length))
                .add("Connection", "close")
                .add("X-Content-Type-Options", "nosniff");
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            h.add(extraHeaders[i], extraHeaders[i + 1]);
        }
        byte[] head = new HttpResponseHead(HttpVersion.HTTP_1_1, status, reasonPhrase(status), h.build()).toBytes();
        ByteBuffer out = ByteBuffer.allocate(head.length + (headOnly ? 0 : body.length));
        out.put(head);
        if (!headOnly) {
            out.put(body);
        }
        return out.flip();
    }

    /**
     * The protocol's phrases, and those of the statuses an upgrade check is likely to answer with:
     * the phrase is informative only, but an empty one puzzles people reading a trace.
     */
    static String reasonPhrase(int status) {
        switch (status) {
            case 401: return "Unauthorized";
            case 402: return "Payment Required";
            case 407: return "Proxy Authentication Required";
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 410: return "Gone";
            case 423: return "Locked";
            case 429: return "Too Many Requests";
            case 451: return "Unavailable For Legal Reasons";
            case 502: return "Bad Gateway";
            case 504: return "Gateway Timeout";
            default: return HttpStatus.reasonPhrase(status);
        }
    }
}
