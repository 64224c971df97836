package dev.duplex.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Run as its own process: opens N WebSocket connections to a port, completes each handshake,
 * prints "ready N", then holds them idle until its standard input closes. A separate process so
 * that the server's JVM counts only its own side of each connection (and file descriptors).
 */
public final class IdleFleet {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        byte[] request = RawClient.upgradeRequest("/idle").getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> open = new ArrayList<>(n);
        ByteBuffer buf = ByteBuffer.allocate(1024);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            ch.write(ByteBuffer.wrap(request));
            buf.clear();
            while (!endsHead(buf)) {
                if (ch.read(buf) < 0) {
                    throw new IOException("connection " + i + " closed during the handshake");
                }
            }
            if (buf.get(9) != '1' || buf.get(10) != '0' || buf.get(11) != '1') {
                throw new IOException("connection " + i + " was not upgraded");
            }
            open.add(ch);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("ready " + open.size() + " in " + ms + " ms");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the connections until the test is done with them
        }
        for (SocketChannel ch : open) {
            ch.close();
        }
    }

    private static boolean endsHead(ByteBuffer b) {
        int p = b.position();
        return p >= 4 && b.get(p - 4) == '\r' && b.get(p - 3) == '\n' && b.get(p - 2) == '\r' && b.get(p - 1) == '\n';
    }
}
