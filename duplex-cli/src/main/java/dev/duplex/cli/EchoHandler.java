package dev.duplex.cli;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.nio.ByteBuffer;

/**
 * {@code /echo}: sends every message back unchanged, text as text and binary as binary. Text is
 * relayed as the UTF-8 bytes it came in, never decoded, and neither kind is copied here: a send
 * copies what it cannot keep.
 */
final class EchoHandler implements WebSocketHandler {

    @Override
    public void onTextBytes(WebSocket ws, ByteBuffer utf8) {
        ws.sendText(utf8);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        ws.sendBinary(data);
    }
}
