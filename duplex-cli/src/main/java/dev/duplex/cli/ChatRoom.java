package dev.duplex.cli;

import dev.duplex.PreparedMessage;
import dev.duplex.Topic;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * {@code /chat}: every message goes to everyone in the room, the sender included. Text arrives
 * as {@code 127.0.0.1:53412: hello}, named by the connection that sent it, so that nobody can
 * pass a line off as someone else's or as the room's own; joins and leaves are the only lines
 * that start with {@code * } ({@code * 127.0.0.1:53412 joined}). Binary goes out unchanged.
 *
 * <p>A {@link Topic} carries the messages: each is framed once for the whole room, and a member
 * too slow to keep up misses messages rather than holding up the others.
 */
final class ChatRoom implements WebSocketHandler {
    private final Topic room = new Topic("chat");

    @Override
    public void onOpen(WebSocket ws) {
        room.subscribe(ws); // runs on ws's loop before the announcement below reaches it
        room.publish("* " + name(ws) + " joined");
    }

    @Override
    public void onText(WebSocket ws, String text) {
        room.publish(name(ws) + ": " + text);
    }

    @Override
    public void onBinary(WebSocket ws, ByteBuffer data) {
        room.publish(PreparedMessage.binary(data)); // a copy: members on other loops send it later
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
        room.unsubscribe(ws);
        room.publish("* " + name(ws) + " left");
    }

    /** The room's topic (for metrics). */
    Topic topic() {
        return room;
    }

    static String name(WebSocket ws) {
        InetSocketAddress a = ws.remoteAddress();
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
