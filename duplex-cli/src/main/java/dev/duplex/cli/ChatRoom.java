package dev.duplex.cli;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /chat}: every message goes to everyone in the room, the sender included, unchanged (text
 * as text, binary as binary). Joins and leaves are announced as text: {@code * 127.0.0.1:53412 joined}.
 */
final class ChatRoom implements WebSocketHandler {
    private final Set<WebSocket> members = ConcurrentHashMap.newKeySet();

    @Override
    public void onOpen(WebSocket ws) {
        members.add(ws);
        broadcast("* " + name(ws) + " joined");
    }

    @Override
    public void onText(WebSocket ws, String text) {
        broadcast(text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        // Members on other event loops send later: they need bytes that outlive this call.
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        for (WebSocket m : members) {
            m.sendBinary(copy.duplicate()); // each send consumes its own view; the bytes are never changed
        }
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
        if (members.remove(ws)) {
            broadcast("* " + name(ws) + " left");
        }
    }

    int size() {
        return members.size();
    }

    private void broadcast(String text) {
        for (WebSocket m : members) {
            m.sendText(text); // a member that is closing fails this send's future; nothing to do about it
        }
    }

    static String name(WebSocket ws) {
        InetSocketAddress a = ws.remoteAddress();
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
