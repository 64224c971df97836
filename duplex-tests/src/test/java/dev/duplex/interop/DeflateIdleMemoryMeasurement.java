package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A measurement, not a test (the name keeps it out of normal runs; run it with
 * {@code -Dtest=DeflateIdleMemoryMeasurement}): server heap (after GC) and RSS per idle connection
 * with permessage-deflate in each configuration. A {@link Fleet} in another process opens
 * {@code duplex.measure.connections} (default 2000) connections offering permessage-deflate and
 * sends one compressed message on each, so that the server's inflater really exists; where the
 * server keeps its own window it answers each with one message, so that its deflater exists too.
 * Prints a Markdown table row per configuration.
 */
class DeflateIdleMemoryMeasurement {
    static final int N = Integer.getInteger("duplex.measure.connections", 2000);

    record Config(String name, boolean compression, PerMessageDeflate ours, String offer, boolean reply) {}

    @Test
    @Timeout(600)
    void measure() throws Exception {
        List<Config> configs = List.of(
                new Config("compression off (server compression(false))", false, null, "permessage-deflate", false),
                new Config("defaults; client keeps its window (server keeps an inflater)", true, null,
                        "permessage-deflate", false),
                new Config("defaults; client offers client_no_context_takeover (accepted by default)", true, null,
                        "permessage-deflate; client_no_context_takeover", false),
                new Config("clientNoContextTakeover(true); client offers it (no server zlib state when idle)", true,
                        PerMessageDeflate.builder().clientNoContextTakeover(true).build(),
                        "permessage-deflate; client_no_context_takeover", false),
                new Config("serverNoContextTakeover(false), one message sent each way (inflater + deflater)", true,
                        PerMessageDeflate.builder().serverNoContextTakeover(false).build(), "permessage-deflate", true),
                new Config("serverNoContextTakeover(false) + clientNoContextTakeover(true), one message each way (deflater)",
                        true, PerMessageDeflate.builder().serverNoContextTakeover(false).clientNoContextTakeover(true).build(),
                        "permessage-deflate; client_no_context_takeover", true));
        System.out.println("| configuration | agreed (response) | heap B/conn | RSS B/conn |");
        System.out.println("|---|---|---:|---:|");
        for (Config c : configs) {
            measure(c);
        }
    }

    private void measure(Config c) throws Exception {
        AtomicInteger received = new AtomicInteger();
        byte[] reply = DeflateInterop.chatJson(1024, 9).getBytes(StandardCharsets.UTF_8);
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .compression(c.compression())
                .route("/idle", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        received.incrementAndGet();
                        if (c.reply()) {
                            ws.sendText(new String(reply, StandardCharsets.UTF_8));
                        }
                    }
                });
        if (c.ours() != null) {
            b.extension(c.ours());
        }
        WebSocketServer server = b.build().start();
        Process fleet = null;
        try {
            long heapBefore = usedHeapAfterGc();
            long rssBefore = rssBytes();
            fleet = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), Fleet.class.getName(), Integer.toString(server.port()),
                    Integer.toString(N), c.offer(), Boolean.toString(c.reply()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(fleet.getInputStream()));
            String ready = out.readLine();
            assertThat(ready).as("the fleet's report").startsWith("ready " + N);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < N && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received.get()).isEqualTo(N);
            assertThat(server.connections()).hasSize(N);
            Thread.sleep(500);
            long heapAfter = usedHeapAfterGc();
            long rssAfter = rssBytes();
            String agreed = ready.substring(ready.indexOf("agreed:") + 7).trim();
            System.out.printf("| %s | %s | %.0f | %.0f |%n", c.name(), agreed, (heapAfter - heapBefore) / (double) N,
                    (rssAfter - rssBefore) / (double) N);
        } finally {
            if (fleet != null) {
                fleet.getOutputStream().close();
                if (!fleet.waitFor(20, TimeUnit.SECONDS)) {
                    fleet.destroyForcibly();
                }
            }
            server.stop(Duration.ofSeconds(5));
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return 0;
    }

    /**
     * Run as its own process: {@code port n offer reply}. Opens n connections offering
     * {@code offer}, sends one text message on each (compressed when agreed), reads the server's
     * one message back when {@code reply}, prints "ready n ... agreed: RESPONSE", then holds the
     * connections until its standard input closes.
     */
    public static final class Fleet {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            int n = Integer.parseInt(args[1]);
            String offer = args[2];
            boolean reply = Boolean.parseBoolean(args[3]);
            byte[] request = ("GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: " + offer + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] text = DeflateInterop.chatJson(1024, 3).getBytes(StandardCharsets.UTF_8);
            List<SocketChannel> open = new ArrayList<>(n);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            String agreed = "none";
            int compressedReplies = 0;
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.write(ByteBuffer.wrap(request));
                buf.clear();
                int headEnd;
                while ((headEnd = headEnd(buf)) < 0) {
                    if (ch.read(buf) < 0) {
                        throw new IOException("connection " + i + " closed during the handshake");
                    }
                }
                String head = new String(buf.array(), 0, headEnd, StandardCharsets.ISO_8859_1);
                if (!head.startsWith("HTTP/1.1 101")) {
                    throw new IOException("connection " + i + " was not upgraded: " + head);
                }
                agreed = "none";
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("sec-websocket-extensions:")) {
                        agreed = line.substring(line.indexOf(':') + 1).trim();
                    }
                }
                boolean deflate = agreed.startsWith("permessage-deflate");
                ch.write(frame(deflate ? deflate(text) : text, deflate, i));
                if (reply) {
                    // What came after the head, then enough for one frame header.
                    int have = buf.position() - headEnd;
                    while (have < 2) {
                        int r = ch.read(buf);
                        if (r < 0) {
                            throw new IOException("connection " + i + " closed before the reply");
                        }
                        have += r;
                    }
                    if ((buf.get(headEnd) & 0x40) != 0) {
                        compressedReplies++;
                    }
                    // the rest of the reply may stay in the socket buffer: we never read it
                }
                open.add(ch);
            }
            System.out.println("ready " + open.size() + " (compressed replies: " + compressedReplies + ") agreed: " + agreed);
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the connections
            }
            for (SocketChannel ch : open) {
                ch.close();
            }
        }

        private static int headEnd(ByteBuffer b) {
            for (int p = 3; p < b.position(); p++) {
                if (b.get(p - 3) == '\r' && b.get(p - 2) == '\n' && b.get(p - 1) == '\r' && b.get(p) == '\n') {
                    return p + 1;
                }
            }
            return -1;
        }

        static byte[] deflate(byte[] in) {
            Deflater d = new Deflater(6, true);
            d.setInput(in);
            byte[] out = new byte[in.length + 64];
            int len = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            d.end();
            return Arrays.copyOf(out, len - 4); // without the 00 00 ff ff tail
        }

        static ByteBuffer frame(byte[] payload, boolean rsv1, int seed) {
            ByteBuffer f = ByteBuffer.allocate(payload.length + 8);
            f.put((byte) (0x81 | (rsv1 ? 0x40 : 0)));
            if (payload.length < 126) {
                f.put((byte) (0x80 | payload.length));
            } else {
                f.put((byte) (0x80 | 126)).putShort((short) payload.length);
            }
            byte[] key = {(byte) seed, (byte) (seed >> 8), 0x5a, 0x3c};
            f.put(key);
            for (int i = 0; i < payload.length; i++) {
                f.put((byte) (payload[i] ^ key[i & 3]));
            }
            return f.flip();
        }
    }
}
