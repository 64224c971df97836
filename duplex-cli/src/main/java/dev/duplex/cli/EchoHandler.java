package dev.duplex.cli;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.nio.ByteBuffer;

/**
 * {@code /echo}: sends every message back unchanged, text as text and binary as binary. Text is
 * relayed as the UTF-8 bytes it came in, never decoded (nor checked again), neither kind is
 * copied here (a send copies what it cannot keep), and the queue calls make no future: an echo
 * allocates nothing per message. A refused echo means the connection is closing, or is being
 * closed as a slow consumer; there is nothing else to do about it.
 */
final class EchoHandler implements WebSocketHandler {

    @Override
    public void onTextBytes(WebSocket ws, ByteBuffer utf8) {
        ws.queueText(utf8);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        ws.queueBinary(data);
    }
}
