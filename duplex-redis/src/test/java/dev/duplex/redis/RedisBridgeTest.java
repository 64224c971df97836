package dev.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.Backoff;
import dev.duplex.PreparedMessage;
import dev.duplex.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Nodes sharing a topic through one real redis-server that stays up. */
class RedisBridgeTest {
    private static final AtomicInteger TEST = new AtomicInteger();
    private static RedisServer redis;
    private final List<Node> nodes = new ArrayList<>();
    // Each test has channels of its own, so that nothing a previous test left in flight arrives.
    private final String prefix = "t" + TEST.incrementAndGet() + ":";

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(Node::close);
    }

    private RedisBridgeOptions.Builder options() {
        return RedisBridgeOptions.builder().channelPrefix(prefix)
                .reconnectBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 2));
    }

    private Node node(RedisBridgeOptions options) {
        Node n = new Node(redis.uri(), options);
        nodes.add(n);
        return n;
    }

    @Test
    void aPublishOnOneNodeReachesClientsOnBothExactlyOnceInOrderTextAndBinary() throws Exception {
        Node a = node(options().build());
        Node b = node(options().build());
        Node.Client onA = a.client();
        Node.Client onB = b.client();

        byte[] bin1 = {0, 1, 2, (byte) 0xff, (byte) 0x80};
        byte[] bin2 = new byte[0];
        a.topic.publish("t1");
        a.topic.publish(PreparedMessage.binary(bin1));
        a.topic.publish("t2 — ünïcode ✓");
        a.topic.publish(PreparedMessage.binary(bin2));
        a.topic.publish("");

        for (Node.Client c : List.of(onA, onB)) {
            assertThat(c.next()).isEqualTo("t1");
            assertThat(c.next()).isEqualTo(bin1);
            assertThat(c.next()).isEqualTo("t2 — ünïcode ✓");
            assertThat(c.next()).isEqualTo(bin2);
            assertThat(c.next()).isEqualTo("");
        }
        // B has all of A's messages, so Redis has sent A its echoes before B publishes this: A's
        // echoes, had they been delivered, would come before it.
        b.topic.publish("from b");
        assertThat(onA.next()).isEqualTo("from b");
        assertThat(onB.next()).isEqualTo("from b");
        a.topic.publish("end");
        assertThat(onA.next()).isEqualTo("end");
        assertThat(onB.next()).isEqualTo("end");
        assertThat(onA.messages).isEmpty();

        // A counts a publish once Redis has answered it, which may be just after B got the message.
        awaitCount("A's publishes", () -> a.bridge.stats().published(), 6);
        RedisBridge.Stats sa = a.bridge.stats();
        assertThat(sa.published()).isEqualTo(6);
        assertThat(sa.received()).isEqualTo(1);
        assertThat(sa.dropped()).isZero();
        assertThat(sa.connected()).isTrue();
        assertThat(b.bridge.stats().received()).isEqualTo(6);
    }

    @Test
    void threeNodesEachSeeEveryonesMessagesOncePerPublisherInOrder() throws Exception {
        List<Node> three = List.of(node(options().build()), node(options().build()), node(options().build()));
        List<Node.Client> clients = new ArrayList<>();
        for (Node n : three) {
            clients.add(n.client());
            clients.add(n.client());
        }
        int perNode = 200;
        List<Thread> publishers = new ArrayList<>();
        for (int i = 0; i < three.size(); i++) {
            Topic t = three.get(i).topic;
            String name = "n" + i;
            Thread p = new Thread(() -> {
                for (int k = 0; k < perNode; k++) {
                    t.publish(name + ":" + k);
                }
                t.publish(name + ":end");
            }, "publisher-" + i);
            p.start();
            publishers.add(p);
        }
        for (Thread t : publishers) {
            t.join(10_000);
        }
        for (Node.Client c : clients) {
            int[] next = new int[three.size()];
            int ends = 0;
            while (ends < three.size()) {
                String m = (String) c.next();
                int node = m.charAt(1) - '0';
                String rest = m.substring(3);
                if (rest.equals("end")) {
                    assertThat(next[node]).as("all of n%d's messages before its end", node).isEqualTo(perNode);
                    ends++;
                } else {
                    assertThat(Integer.parseInt(rest)).as("n%d's messages once each, in order", node).isEqualTo(next[node]++);
                }
            }
        }
        for (Node n : three) {
            awaitCount("a node's publishes", () -> n.bridge.stats().published(), perNode + 1);
            assertThat(n.bridge.stats().published()).isEqualTo(perNode + 1);
            assertThat(n.bridge.stats().received()).isEqualTo(2 * (perNode + 1));
        }
    }

    @Test
    void aMessageOverTheLimitStaysLocalAndIsCounted() throws Exception {
        Node a = node(options().maxMessageBytes(1000).build());
        Node b = node(options().maxMessageBytes(1000).build());
        Node.Client onA = a.client();
        Node.Client onB = b.client();

        String big = "x".repeat(1001);
        a.topic.publish(big);
        a.topic.publish("small");
        assertThat(onA.next()).isEqualTo(big);
        assertThat(onA.next()).isEqualTo("small");
        assertThat(onB.next()).isEqualTo("small");
        assertThat(a.bridge.stats().oversize()).isEqualTo(1);
        awaitCount("A's publishes", () -> a.bridge.stats().published(), 1);
        assertThat(a.bridge.stats().published()).isEqualTo(1);
    }

    @Test
    void whatOtherPublishersPutOnTheChannelIsCheckedNotTrusted() throws Exception {
        Node b = node(options().maxMessageBytes(1000).build());
        Node.Client onB = b.client();
        byte[] channel = (prefix + "news").getBytes(StandardCharsets.UTF_8);
        byte[] stranger = new byte[16];
        stranger[0] = 42;
        try (Jedis raw = redis.client()) {
            raw.publish(channel, "not an envelope".getBytes(StandardCharsets.UTF_8));
            raw.publish(channel, Envelope.encode(stranger, true, ByteBuffer.wrap(new byte[] {(byte) 0xc3, 0x28})));
            raw.publish(channel, Envelope.encode(stranger, false, ByteBuffer.allocate(1001)));
            raw.publish(channel, Envelope.encode(stranger, true, ByteBuffer.wrap("fine".getBytes(StandardCharsets.UTF_8))));
        }
        assertThat(onB.next()).isEqualTo("fine");
        RedisBridge.Stats s = b.bridge.stats();
        assertThat(s.malformed()).isEqualTo(2);
        assertThat(s.oversize()).isEqualTo(1);
        assertThat(s.received()).isEqualTo(1);
    }

    @Test
    void aTopicCanBeSharedOnceAndDetached() throws Exception {
        Node a = node(options().build());
        Node b = node(options().build());
        Node.Client onA = a.client();
        Node.Client onB = b.client();

        assertThatThrownBy(() -> a.bridge.attach(new Topic("news")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another topic named \"news\"");
        try (RedisBridge other = RedisBridge.connect(redis.uri(), options().build())) {
            assertThatThrownBy(() -> other.attach(a.topic))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already relayed");
        }
        assertThat(a.bridge.attach(a.topic)).isCompleted(); // again: nothing changes

        a.bridge.detach(a.topic);
        a.topic.publish("only here");
        b.topic.publish("from b");
        assertThat(onA.next()).isEqualTo("only here");
        assertThat(onB.next()).isEqualTo("from b"); // not "only here"
        assertThat(a.bridge.stats().published()).isZero();
    }

    /** Waits up to 20 s for a count to reach {@code expected}; the assertion after it checks it did not pass it. */
    private static void awaitCount(String what, java.util.function.LongSupplier count, long expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (count.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }
}
