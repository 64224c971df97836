package dev.duplex.interop;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Our end of a connection: a handler that records everything as {@link Event}s. */
final class DuplexSide implements WebSocketHandler {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final CompletableFuture<WebSocket> opened = new CompletableFuture<>();

    WebSocket ws() throws Exception {
        return opened.get(30, TimeUnit.SECONDS);
    }

    Event expect(String type) throws InterruptedException {
        Event e = events.poll(30, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("Duplex: no event within 30 s, expected '" + type + "'");
        }
        if (!e.type.equals(type)) {
            throw new AssertionError("Duplex: expected a '" + type + "' event, got: " + e);
        }
        return e;
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Override
    public void onOpen(WebSocket ws) {
        opened.complete(ws);
    }

    @Override
    public void onText(WebSocket ws, String text) {
        events.add(Event.message(true, Payloads.utf8(text)));
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        events.add(Event.message(false, copy(data)));
    }

    @Override
    public void onPing(WebSocket ws, ByteBuffer payload) {
        events.add(Event.control("ping", copy(payload)));
    }

    @Override
    public void onPong(WebSocket ws, ByteBuffer payload) {
        events.add(Event.control("pong", copy(payload)));
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
        events.add(Event.of("close", "code", (long) code, "reason", reason, "byPeer", closedByPeer));
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        events.add(Event.of("error", "message", String.valueOf(error)));
    }
}
