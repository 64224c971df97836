package dev.duplex.protocol;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.frame.FrameWriter;
import java.nio.ByteBuffer;
import java.util.List;

/** A connection under test with what it heard and what it sent. */
public final class Peer {
    /** The masking key of RFC 6455 §5.7's examples, pinned so that frames can be asserted as bytes. */
    public static final int RFC_KEY = 0x37fa213d;

    public final Recorder events = new Recorder();
    public final Wire wire = new Wire();
    public final Connection connection;

    private Peer(Role role, ProtocolConfig config, List<Extension> extensions) {
        this.connection = role == Role.SERVER
                ? Connection.server(config, extensions, events, wire)
                : Connection.client(config, extensions, events, wire);
    }

    public static Peer server() {
        return server(ProtocolConfig.defaults());
    }

    public static Peer server(ProtocolConfig config) {
        return new Peer(Role.SERVER, config, List.of());
    }

    public static Peer client() {
        return client(ProtocolConfig.builder());
    }

    public static Peer client(ProtocolConfig.Builder config) {
        return new Peer(Role.CLIENT, config.maskKeys(() -> () -> RFC_KEY).build(), List.of());
    }

    public static Peer of(Role role, ProtocolConfig config, List<Extension> extensions) {
        return new Peer(role, config, extensions);
    }

    /** Feeds hex bytes to the connection in one piece. */
    public Peer receiveHex(String hex) {
        connection.receive(Hex.buffer(hex));
        return this;
    }

    public Peer receive(byte[] bytes) {
        connection.receive(ByteBuffer.wrap(bytes));
        return this;
    }

    /** Feeds the bytes one at a time. */
    public Peer receiveBytewise(byte[] bytes) {
        for (byte b : bytes) {
            connection.receive(ByteBuffer.wrap(new byte[] {b}));
        }
        return this;
    }

    /** A frame as the other role would send it (masked with the RFC key when it comes from a client). */
    public byte[] frameFromPeer(boolean fin, int rsv, int opcode, byte[] payload) {
        boolean masked = connection.role() == Role.SERVER;
        ByteBuffer f = FrameWriter.frame(fin, rsv, opcode, ByteBuffer.wrap(payload), masked, RFC_KEY);
        byte[] b = new byte[f.remaining()];
        f.get(b);
        return b;
    }

    public Peer receiveFrame(boolean fin, int rsv, int opcode, byte[] payload) {
        return receive(frameFromPeer(fin, rsv, opcode, payload));
    }

    /** The close code in the last frame sent, which must be a close frame. */
    public int sentCloseCode() {
        byte[] out = wire.take();
        int i = lastFrameStart(out);
        if ((out[i] & 0x0F) != 0x8) {
            throw new AssertionError("last frame sent is not a close frame: " + Hex.of(out));
        }
        int len = out[i + 1] & 0x7F;
        if (len < 2) {
            return CloseStatus.NO_STATUS_RECEIVED;
        }
        int p = i + 2 + ((out[i + 1] & 0x80) != 0 ? 4 : 0);
        return ((out[p] & 0xFF) << 8) | (out[p + 1] & 0xFF); // server frames are unmasked
    }

    private static int lastFrameStart(byte[] out) {
        int i = 0;
        int last = -1;
        while (i < out.length) {
            last = i;
            int len = out[i + 1] & 0x7F;
            int hdr = 2 + ((out[i + 1] & 0x80) != 0 ? 4 : 0);
            if (len == 126) {
                len = ((out[i + 2] & 0xFF) << 8) | (out[i + 3] & 0xFF);
                hdr += 2;
            } else if (len == 127) {
                len = (int) ByteBuffer.wrap(out, i + 2, 8).getLong();
                hdr += 8;
            }
            i += hdr + len;
        }
        if (last < 0) {
            throw new AssertionError("nothing was sent");
        }
        return last;
    }
}
