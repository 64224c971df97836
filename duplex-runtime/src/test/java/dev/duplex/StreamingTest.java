package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.EchoServerTest.Inbox;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages received and sent in parts over real sockets, our client against our server: larger
 * than the whole-message limit, text split inside code points by the network, compressed
 * messages inflated part by part, handlers on an executor, the streamed limit, and the rule
 * that a message open in parts blocks other messages but not pings.
 */
@Timeout(60)
class StreamingTest {
    WebSocketServer server;
    WebSocketClient client = WebSocketClient.create(1);
    ExecutorService pool;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(2));
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /**
     * Receives both kinds in parts without keeping them (a digest and a count), checks every
     * text part decodes on its own, and answers each message with a summary.
     */
    static final class DigestingSink implements WebSocketHandler {
        final BlockingQueue<String> done = new LinkedBlockingQueue<>();
        final List<ByteBuffer> keptParts = new ArrayList<>();
        final boolean keep;
        MessageDigest digest;
        long bytes;
        int parts;
        StringBuilder text = new StringBuilder();
        volatile String failure;
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        DigestingSink(boolean keep) {
            this.keep = keep;
        }

        @Override
        public void onBinaryPart(WebSocket ws, ByteBuffer data, boolean last) {
            take(data);
            if (last) {
                finish(ws, "binary");
            }
        }

        @Override
        public void onTextPart(WebSocket ws, ByteBuffer utf8, boolean last) {
            try {
                text.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(utf8.duplicate()));
            } catch (CharacterCodingException e) {
                failure = "a text part did not decode on its own";
            }
            take(utf8);
            if (last) {
                finish(ws, "text");
            }
        }

        private void take(ByteBuffer b) {
            try {
                if (digest == null) {
                    digest = MessageDigest.getInstance("SHA-256");
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            parts++;
            bytes += b.remaining();
            if (keep) {
                keptParts.add(b); // only legal on an executor, where parts are copies
            }
            digest.update(b);
        }

        private void finish(WebSocket ws, String kind) {
            if (keep) {
                MessageDigest again;
                try {
                    again = MessageDigest.getInstance("SHA-256");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                for (ByteBuffer p : keptParts) {
                    again.update(p.flip());
                }
                keptParts.clear();
                String kept = HexFormat.of().formatHex(again.digest());
                String live = HexFormat.of().formatHex(digest.digest());
                done.add(kind + " " + bytes + " " + live + (kept.equals(live) ? "" : " KEPT-PARTS-CHANGED"));
            } else {
                done.add(kind + " " + bytes + " " + HexFormat.of().formatHex(digest.digest()) + " parts=" + parts);
            }
            ws.sendText(kind + " " + bytes);
            digest = null;
            bytes = 0;
            parts = 0;
        }

        String textSoFar() {
            String s = text.toString();
            text.setLength(0);
            return s;
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean byPeer) {
            closed.complete(code);
        }
    }

    static <T> T poll(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(20, TimeUnit.SECONDS);
        assertThat(t).as("within 20 s").isNotNull();
        return t;
    }

    WebSocketServer.Builder serverBuilder() {
        return WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1);
    }

    @Test
    void aBinaryMessageFiveTimesTheWholeMessageLimitStreamsInBothDirections() throws Exception {
        DigestingSink sink = new DigestingSink(false);
        server = serverBuilder().route("/sink", sink).build().start(); // whole-message limit: the default 1 MiB
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/sink"), inbox, ClientOptions.builder().compression(false).build())
                .get(10, TimeUnit.SECONDS);
        byte[] data = new byte[5 << 20];
        new Random(1).nextBytes(data);
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (int off = 0; off < data.length; off += 300_000) {
            int n = Math.min(300_000, data.length - off);
            sends.add(ws.sendBinaryPart(ByteBuffer.wrap(data, off, n), off + n == data.length));
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
        String summary = poll(sink.done);
        assertThat(summary).startsWith("binary " + data.length + " " + sha(data) + " parts=");
        // Parts follow the reads, not the sender's 18 frames: at most one 256 KiB read buffer each.
        assertThat(Integer.parseInt(summary.substring(summary.indexOf("parts=") + 6))).isGreaterThanOrEqualTo(18);
        assertThat(inbox.next()).isEqualTo("binary " + data.length);
        // Counted once as a message received, once as sent (the summary).
        assertThat(server.stats().messagesReceived()).isEqualTo(1);
        assertThat(server.stats().messagesSent()).isEqualTo(1);
    }

    @Test
    void textSplitAnywhereByTheNetworkArrivesInPartsThatEachDecode() throws Exception {
        DigestingSink sink = new DigestingSink(false);
        server = serverBuilder().route("/sink", sink).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/sink"), inbox, ClientOptions.builder().compression(false).build())
                .get(10, TimeUnit.SECONDS);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 3_000_000) {
            sb.append("a é € \uD83D\uDE00 ");
        }
        String text = sb.toString();
        // Parts of odd sizes, cut only between code points as the API asks.
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        int off = 0;
        int step = 70_001;
        while (off < text.length()) {
            int end = Math.min(off + step, text.length());
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            sends.add(ws.sendTextPart(text.substring(off, end), end == text.length()));
            off = end;
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        assertThat(poll(sink.done)).startsWith("text " + utf8.length + " " + sha(utf8));
        assertThat(sink.failure).isNull();
        assertThat(sink.textSoFar()).isEqualTo(text);
        assertThat(inbox.next()).isEqualTo("text " + utf8.length);
    }

    @Test
    void aCompressedMessageIsInflatedPartByPart() throws Exception {
        DigestingSink sink = new DigestingSink(false);
        server = serverBuilder().route("/sink", sink).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/sink"), inbox, ClientOptions.builder().maxMessageSize(4 << 20).build())
                .get(10, TimeUnit.SECONDS);
        assertThat(ws.extensions()).containsExactly("permessage-deflate");
        String json = "{\"user\":\"zoë\",\"text\":\"hello, world €\"}".repeat(100_000); // ~4 MB, compresses well
        ws.sendText(json).get(20, TimeUnit.SECONDS); // a whole message from us, compressed
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        String summary = poll(sink.done);
        assertThat(summary).startsWith("text " + utf8.length + " " + sha(utf8));
        // Inflated 16 KiB at a time, not into one 4 MB buffer.
        assertThat(Integer.parseInt(summary.substring(summary.indexOf("parts=") + 6)))
                .isGreaterThanOrEqualTo(utf8.length / (16 * 1024));
        assertThat(sink.textSoFar()).isEqualTo(json);
    }

    @Test
    void onAnExecutorPartsAreCopiesThatMayBeKept() throws Exception {
        pool = Executors.newFixedThreadPool(2);
        DigestingSink sink = new DigestingSink(true);
        server = serverBuilder().route(Route.at("/sink", sink).withExecutor(pool)).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/sink"), inbox, ClientOptions.builder().compression(false).build())
                .get(10, TimeUnit.SECONDS);
        byte[] data = new byte[3 << 20];
        new Random(2).nextBytes(data);
        for (int off = 0; off < data.length; off += 100_000) {
            int n = Math.min(100_000, data.length - off);
            ws.sendBinaryPart(ByteBuffer.wrap(data, off, n), off + n == data.length);
        }
        ws.sendBinary(new byte[] {1, 2, 3}); // a second message right behind: its reads reuse the loop's buffer
        assertThat(poll(sink.done)).isEqualTo("binary " + data.length + " " + sha(data));
        assertThat(poll(sink.done)).isEqualTo("binary 3 " + sha(new byte[] {1, 2, 3}));
    }

    @Test
    void overTheStreamedLimitIs1009() throws Exception {
        DigestingSink sink = new DigestingSink(false);
        server = serverBuilder().maxStreamedMessageSize(100_000).route("/sink", sink).build().start();
        Inbox inbox = new Inbox();
        WebSocket ws = client.open(uri("/sink"), inbox, ClientOptions.builder().compression(false).build())
                .get(10, TimeUnit.SECONDS);
        ws.sendBinaryPart(ByteBuffer.allocate(60_000), false);
        ws.sendBinaryPart(ByteBuffer.allocate(60_000), true);
        assertThat(inbox.closed.get(10, TimeUnit.SECONDS)).startsWith("1009");
        assertThat(sink.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        assertThat(sink.done).isEmpty();
    }

    @Test
    void anOpenMessageBlocksOthersButNotPingsAndTheServerStreamsToAStreamingClient() throws Exception {
        CompletableFuture<WebSocket> serverSide = new CompletableFuture<>();
        server = serverBuilder().route("/talk", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                serverSide.complete(ws);
            }
        }).build().start();
        DigestingSink clientSink = new DigestingSink(false);
        List<String> pongs = new java.util.concurrent.CopyOnWriteArrayList<>();
        WebSocketHandler streamingClient = new WebSocketHandler() {
            @Override
            public void onBinaryPart(WebSocket ws, ByteBuffer data, boolean last) {
                clientSink.onBinaryPart(ws, data, last);
            }

            @Override
            public void onTextPart(WebSocket ws, ByteBuffer utf8, boolean last) {
                clientSink.onTextPart(ws, utf8, last);
            }
        };
        client.open(uri("/talk"), streamingClient, ClientOptions.builder().build()).get(10, TimeUnit.SECONDS);
        WebSocket s = serverSide.get(10, TimeUnit.SECONDS);

        s.sendBinaryPart(ByteBuffer.wrap(new byte[] {1, 2}), false).get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> other = s.sendText("not now");
        assertThat(other).failsWithin(5, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(IllegalStateException.class)
                .withMessageContaining("binary message being sent in parts");
        assertThat(s.sendTextPart("x", true)).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class).havingCause()
                .withMessageContaining("cannot continue the binary");
        s.sendPing(ByteBuffer.wrap(new byte[] {9})).get(5, TimeUnit.SECONDS); // control frames may come between
        s.sendBinaryPart(ByteBuffer.wrap(new byte[] {3}), true).get(5, TimeUnit.SECONDS);
        assertThat(poll(clientSink.done)).isEqualTo("binary 3 " + sha(new byte[] {1, 2, 3}) + " parts=2");

        // A part ending between the halves of a surrogate pair is refused; nothing is sent.
        assertThat(s.sendTextPart("ok \uD83D", false)).failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(ExecutionException.class).havingCause()
                .isInstanceOf(IllegalArgumentException.class).withMessageContaining("surrogate");
        s.sendTextPart("h\u00e9", false);
        s.sendTextPart("\uD83D\uDE00", false);
        s.sendTextPart("", true).get(5, TimeUnit.SECONDS);
        assertThat(poll(clientSink.done)).startsWith("text 7 ");
        assertThat(clientSink.textSoFar()).isEqualTo("h\u00e9\uD83D\uDE00");
        s.sendText("whole again").get(5, TimeUnit.SECONDS); // the message is finished: others may follow
    }

    @Test
    void aHandlerThatStreamsOnlyBinaryStillGetsWholeText() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        server = serverBuilder().route("/mixed", new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                got.add("text:" + text);
            }

            @Override
            public void onBinaryPart(WebSocket ws, ByteBuffer data, boolean last) {
                got.add("part:" + data.remaining() + (last ? ":last" : ""));
            }
        }).build().start();
        WebSocket ws = client.open(uri("/mixed"), new Inbox(), ClientOptions.builder().build()).get(10, TimeUnit.SECONDS);
        ws.sendTextPart("he", false);
        ws.sendTextPart("llo", true);
        ws.sendBinary(new byte[5]);
        assertThat(poll(got)).isEqualTo("text:hello");
        assertThat(poll(got)).isEqualTo("part:5:last");
    }

    @Test
    void aReconnectingConnectionRefusesAStreamingHandlerInsteadOfDroppingItsMessages() {
        WebSocketHandler streaming = new WebSocketHandler() {
            @Override
            public void onBinaryPart(WebSocket ws, ByteBuffer data, boolean last) {
            }
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.openReconnecting(
                        URI.create("ws://127.0.0.1:1/x"), streaming, ClientOptions.builder().build(), Backoff.exponential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole messages");
    }
}
