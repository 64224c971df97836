package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.support.RawClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fan-out: one message framed once, delivered to every subscriber in order; slow ones miss, not stall. */
@Timeout(60)
class TopicTest {
    WebSocketServer server;
    WebSocketClient client;
    final Topic topic = new Topic("news");

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.stop(Duration.ofSeconds(2));
    }

    void start(long maxBuffered) {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .outboundBuffer(Math.min(maxBuffered, 1024), Math.min(maxBuffered, 4096), maxBuffered)
                .route("/news", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        topic.subscribe(ws);
                    }
                }).build().start();
        client = WebSocketClient.create(2);
    }

    void awaitSubscribers(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (topic.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(topic.size()).isEqualTo(n);
    }

    @Test
    void everySubscriberGetsEveryMessageInOrderWithAndWithoutCompression() throws Exception {
        start(16 << 20);
        List<EchoServerTest.Inbox> inboxes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            EchoServerTest.Inbox inbox = new EchoServerTest.Inbox();
            // Half negotiate permessage-deflate: they share one compressed frame, the others the plain one.
            client.open(URI.create("ws://127.0.0.1:" + server.port() + "/news"), inbox,
                    ClientOptions.builder().compression(i % 2 == 0).build()).get(10, TimeUnit.SECONDS);
            inboxes.add(inbox);
        }
        awaitSubscribers(100);
        String big = "{\"headline\":\"all quiet\"}".repeat(100);
        for (int m = 0; m < 50; m++) {
            topic.publish(m % 10 == 0 ? big + m : "m" + m);
        }
        for (EchoServerTest.Inbox inbox : inboxes) {
            for (int m = 0; m < 50; m++) {
                assertThat(inbox.next()).isEqualTo(m % 10 == 0 ? big + m : "m" + m);
            }
        }
        assertThat(topic.delivered()).isEqualTo(100L * 50);
        assertThat(topic.dropped()).isZero();
    }

    @Test
    void aBurstReachesRawSubscribersAsExactBackToBackFrames() throws Exception {
        start(16 << 20);
        List<RawClient> raws = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawClient raw = new RawClient(server.port());
                raw.upgrade("/news");
                raws.add(raw);
            }
            awaitSubscribers(3);
            // Published faster than the loop drains them: they go out as joined frames.
            int n = 2000;
            for (int m = 0; m < n; m++) {
                topic.publish(m % 100 == 0 ? "z".repeat(300) + m : "m" + m);
            }
            for (RawClient raw : raws) {
                for (int m = 0; m < n; m++) {
                    byte[] expected = (m % 100 == 0 ? "z".repeat(300) + m : "m" + m).getBytes(StandardCharsets.UTF_8);
                    assertThat(raw.in.read()).as("first byte of message %d", m).isEqualTo(0x81);
                    int len = raw.in.read();
                    if (len == 126) {
                        len = (raw.in.read() << 8) | raw.in.read();
                    }
                    assertThat(len).as("length of message %d", m).isEqualTo(expected.length);
                    assertThat(raw.in.readNBytes(len)).isEqualTo(expected);
                }
            }
            assertThat(topic.delivered()).isEqualTo(3L * n);
        } finally {
            for (RawClient raw : raws) {
                raw.close();
            }
        }
    }

    @Test
    void compressedSubscribersReceiveTheCompressedFrame() throws Exception {
        start(16 << 20);
        try (RawClient raw = new RawClient(server.port())) {
            raw.send(("GET /news HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readHead()).contains("permessage-deflate");
            awaitSubscribers(1);
            topic.publish("x".repeat(4000));
            int b0 = raw.in.read();
            assertThat(b0).isEqualTo(0xC1); // FIN + RSV1 + text: compressed once for all
            int len = raw.in.read();
            assertThat(len).isLessThan(100);
        }
    }

    @Test
    void aSubscriberThatDoesNotReadMissesMessagesWithoutHoldingUpTheOthers() throws Exception {
        start(256 << 10);
        EchoServerTest.Inbox reader = new EchoServerTest.Inbox();
        client.open(URI.create("ws://127.0.0.1:" + server.port() + "/news"), reader,
                ClientOptions.builder().compression(false).maxMessageSize(1 << 20).build()).get(10, TimeUnit.SECONDS);
        try (RawClient stuck = new RawClient(server.port())) {
            stuck.socket.setReceiveBufferSize(8 << 10);
            stuck.upgrade("/news");
            awaitSubscribers(2);
            String payload = "y".repeat(32 << 10);
            int n = 400; // 12.5 MiB to a reader that reads nothing
            for (int i = 0; i < n; i++) {
                topic.publish(payload + i);
                // The reading subscriber keeps up; the stuck one falls behind and starts missing.
                String got = (String) reader.next();
                assertThat(got.length()).isEqualTo(payload.length() + Integer.toString(i).length());
                assertThat(got).endsWith("y" + i);
            }
            // The two connections may sit on different loops: the stuck one's loop may count the
            // last message a moment after the reader has it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (topic.delivered() + topic.dropped() < 2L * n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(topic.dropped()).isGreaterThan(0);
            assertThat(topic.delivered() + topic.dropped()).isEqualTo(2L * n);
        }
    }
}
