package dev.duplex.cli.bench;

import dev.duplex.PreparedMessage;
import dev.duplex.Topic;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.net.URI;
import java.nio.ByteBuffer;

/**
 * {@code /broadcast} of {@code duplex serve}: every message that arrives is sent to every
 * subscriber, text as text and binary as binary, framed once ({@link PreparedMessage}) and fanned out
 * by a {@link Topic}. Every connection subscribes except publishers, which connect with
 * {@code ?role=pub} (so {@code duplex bench broadcast} measures deliveries to subscribers only).
 */
public final class BroadcastHandler implements WebSocketHandler {
    private final Topic topic = new Topic("broadcast");

    /** The topic subscribers listen on (for metrics). */
    public Topic topic() {
        return topic;
    }

    @Override
    public void onOpen(WebSocket ws) {
        if (!isPublisher(ws.requestUri())) {
            topic.subscribe(ws);
        }
    }

    @Override
    public void onText(WebSocket ws, String text) {
        topic.publish(PreparedMessage.text(text));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        topic.publish(PreparedMessage.binary(data));
    }

    /** Whether the request's query has {@code role=pub}. */
    static boolean isPublisher(URI uri) {
        String q = uri == null ? null : uri.getRawQuery();
        if (q == null) {
            return false;
        }
        for (String part : q.split("&")) {
            if (part.equals("role=pub")) {
                return true;
            }
        }
        return false;
    }
}
