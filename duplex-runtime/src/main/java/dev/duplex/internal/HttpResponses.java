package dev.duplex.internal;

import dev.duplex.protocol.http.HttpHeaders;
import dev.duplex.protocol.http.HttpResponseHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Complete HTTP/1.1 responses for the server's plain-HTTP answers; each closes the connection. */
final class HttpResponses {
    private HttpResponses() {}

    static ByteBuffer text(int status, String body, String... extraHeaders) {
        return of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), false, extraHeaders);
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
        byte[] head = HttpResponseHead.of(status, h.build()).toBytes();
        ByteBuffer out = ByteBuffer.allocate(head.length + (headOnly ? 0 : body.length));
        out.put(head);
        if (!headOnly) {
            out.put(body);
        }
        return out.flip();
    }
}
