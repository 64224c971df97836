package dev.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.PreparedMessage;
import dev.duplex.Topic;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One "machine": a WebSocketServer whose route {@code /news} subscribes every connection to
 * topic {@code news}, and a bridge sharing that topic through Redis. A client's text {@code burst N}
 * makes the server publish N messages from the event loop and answer {@code burst took MS}.
 */
final class Node implements AutoCloseable {
    final Topic topic = new Topic("news");
    final WebSocketServer server;
    final RedisBridge bridge;
    private final List<Client> clients = new ArrayList<>();

    Node(URI redis, RedisBridgeOptions options) {
        this(RedisBridge.connect(redis, options), redis);
        bridge.attach(topic).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** A node using {@code bridge}, attached but not waiting for Redis to confirm it. */
    Node(RedisBridge bridge, URI redis) {
        this.bridge = bridge;
        bridge.attach(topic);
        server = WebSocketServer.builder().port(0).eventLoops(1).route("/news", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                topic.subscribe(ws); // a task on ws's loop, so it runs before "ready" is written
                ws.sendText("ready");
            }

            @Override
            public void onText(WebSocket ws, String text) {
                if (text.startsWith("burst ")) {
                    int n = Integer.parseInt(text.substring(6));
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        topic.publish(PreparedMessage.text("b" + i));
                    }
                    ws.sendText("burst took " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                }
            }
        }).build().start();
    }

    /** A client connected to {@code /news}, subscribed once this returns. */
    Client client() throws Exception {
        Client c = new Client();
        c.ws = WebSocketClient.connect(URI.create("ws://127.0.0.1:" + server.port() + "/news"), c)
                .get(10, TimeUnit.SECONDS);
        assertThat(c.next()).isEqualTo("ready");
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        for (Client c : clients) {
            c.ws.abort();
        }
        bridge.close();
        server.stop(Duration.ofSeconds(1));
    }

    /** What a client received: text as String, binary as byte[]. */
    static final class Client implements WebSocketHandler {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        WebSocket ws;

        @Override
        public void onText(WebSocket ws, String text) {
            messages.add(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            messages.add(b);
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(15, TimeUnit.SECONDS);
            assertThat(m).as("a message within 15 s").isNotNull();
            return m;
        }
    }
}
