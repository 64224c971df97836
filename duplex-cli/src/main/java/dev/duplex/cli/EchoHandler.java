package dev.duplex.cli;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.nio.ByteBuffer;

/** {@code /echo}: sends every message back unchanged, text as text and binary as binary. */
final class EchoHandler implements WebSocketHandler {

    @Override
    public void onText(WebSocket ws, String text) {
        ws.sendText(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        ws.sendBinary(copy(data)); // the buffer is only valid during this call
    }

    static ByteBuffer copy(ByteBuffer data) {
        ByteBuffer c = ByteBuffer.allocate(data.remaining());
        c.put(data.duplicate()).flip();
        return c;
    }
}
