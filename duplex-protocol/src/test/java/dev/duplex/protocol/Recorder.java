package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A listener that writes down every event as a short string, to assert on in order. */
public final class Recorder implements ProtocolListener {
    public final List<String> events = new ArrayList<>();
    public final List<byte[]> binaries = new ArrayList<>();
    public CloseStatus closed;
    public Boolean closedByPeer;

    @Override
    public void onText(ByteBuffer utf8) {
        events.add("text:" + StandardCharsets.UTF_8.decode(utf8));
    }

    @Override
    public void onBinary(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        binaries.add(b);
        events.add("binary:" + describe(b));
    }

    /** Short payloads as hex; long ones by length and hash, to keep assertions cheap and readable. */
    public static String describe(byte[] b) {
        return b.length <= 64 ? Hex.of(b) : "len=" + b.length + ",hash=" + java.util.Arrays.hashCode(b);
    }

    @Override
    public void onTextPart(ByteBuffer utf8, boolean last) {
        events.add("textPart:" + Hex.of(utf8) + (last ? ":last" : ""));
    }

    @Override
    public void onBinaryPart(ByteBuffer data, boolean last) {
        events.add("binaryPart:" + Hex.of(data) + (last ? ":last" : ""));
    }

    @Override
    public void onPing(ByteBuffer payload) {
        events.add("ping:" + Hex.of(payload));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        events.add("pong:" + Hex.of(payload));
    }

    @Override
    public void onClosed(CloseStatus status, boolean byPeer) {
        if (closed != null) {
            throw new AssertionError("onClosed called twice: " + closed + " then " + status);
        }
        closed = status;
        closedByPeer = byPeer;
        events.add("closed:" + status.code() + (byPeer ? ":peer" : ":local"));
    }
}
