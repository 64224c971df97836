package dev.duplex.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client made of a plain blocking socket and hand-written bytes, for tests that must
 * misbehave (send slowly, never read, break the protocol) in ways a real client never would.
 */
public final class RawClient implements AutoCloseable {
    public final Socket socket;
    public final InputStream in;
    public final OutputStream out;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static String upgradeRequest(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /** Sends the upgrade request and reads the response head; returns it. */
    public String upgrade(String path) throws IOException {
        out.write(upgradeRequest(path).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readHead();
    }

    public String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** A masked client frame. */
    public static byte[] frame(int b0, byte[] payload) {
        int n = payload.length;
        int ext = n <= 125 ? 0 : n <= 65535 ? 2 : 8;
        byte[] f = new byte[2 + ext + 4 + n];
        f[0] = (byte) b0;
        f[1] = (byte) (0x80 | (ext == 0 ? n : ext == 2 ? 126 : 127));
        for (int i = 0; i < ext; i++) {
            f[2 + i] = (byte) ((long) n >>> (8 * (ext - 1 - i)));
        }
        byte[] key = {1, 2, 3, 4};
        System.arraycopy(key, 0, f, 2 + ext, 4);
        for (int i = 0; i < n; i++) {
            f[2 + ext + 4 + i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return f;
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads until the server closes the connection; returns everything read. Throws on timeout. */
    public byte[] readToEnd() throws IOException {
        return in.readAllBytes();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
