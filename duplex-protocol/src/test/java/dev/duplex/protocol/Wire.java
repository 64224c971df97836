package dev.duplex.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** An {@link Output} that keeps every frame's bytes in order, as a socket would carry them. */
public final class Wire implements Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void frame(ByteBuffer header, ByteBuffer payload) {
        byte[] h = new byte[header.remaining()];
        header.get(h);
        byte[] p = new byte[payload.remaining()];
        payload.get(p);
        bytes.writeBytes(h);
        bytes.writeBytes(p);
    }

    /** Everything written so far, and forget it. */
    public byte[] take() {
        byte[] b = bytes.toByteArray();
        bytes.reset();
        return b;
    }

    public String takeHex() {
        return Hex.of(take());
    }
}
