package dev.duplex.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Redis unreachable, killed, restarted, stalled: each test has a redis-server of its own. */
class RedisOutageTest {
    private final List<Node> nodes = new ArrayList<>();
    private RedisServer redis;

    @AfterEach
    void stop() throws Exception {
        nodes.forEach(Node::close);
        if (redis != null) {
            if (redis.isRunning()) {
                redis.resume(); // in case a test stopped it
            }
            redis.close();
        }
    }

    private static RedisBridgeOptions.Builder options() {
        return RedisBridgeOptions.builder()
                .healthCheckInterval(Duration.ofMillis(200))
                .reconnectBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 2));
    }

    private Node node(RedisBridgeOptions options) {
        Node n = new Node(redis.uri(), options);
        nodes.add(n);
        return n;
    }

    /** Polls {@code condition} until it holds, for 20 s at most. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void whenRedisRestartsLocalDeliveryGoesOnAndRemoteDeliveryResumes() throws Exception {
        redis = RedisServer.start();
        Node a = node(options().build());
        Node b = node(options().build());
        Node.Client onA = a.client();
        Node.Client onB = b.client();
        a.topic.publish("before");
        assertThat(onA.next()).isEqualTo("before");
        assertThat(onB.next()).isEqualTo("before");

        redis.kill();
        await("both bridges see Redis gone", () -> !a.bridge.isConnected() && !b.bridge.isConnected());
        a.topic.publish("during");
        assertThat(onA.next()).as("local delivery without Redis").isEqualTo("during");
        await("the lost message counted", () -> a.bridge.stats().droppedDisconnected() == 1);

        redis.restart();
        await("both bridges back", () -> a.bridge.isConnected() && b.bridge.isConnected());
        a.topic.publish("after");
        assertThat(onA.next()).isEqualTo("after");
        assertThat(onB.next()).as("\"during\" was lost, not replayed").isEqualTo("after");
        b.topic.publish("after, from b"); // B's publisher was idle throughout: its old connection is not reused
        assertThat(onB.next()).isEqualTo("after, from b");
        assertThat(onA.next()).isEqualTo("after, from b");

        for (Node n : List.of(a, b)) {
            RedisBridge.Stats s = n.bridge.stats();
            assertThat(s.outages()).as("one outage").isEqualTo(1);
            assertThat(s.reconnects()).isEqualTo(1);
            assertThat(s.connected()).isTrue();
        }
    }

    @Test
    void redisUnreachableAtStartIsAClearErrorByDefault() {
        redis = RedisServer.notStarted();
        assertThatThrownBy(() -> RedisBridge.connect(redis.uri(), options().build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Redis at " + redis.uri())
                .hasMessageContaining("Is redis-server running there?");
    }

    @Test
    void aBridgeAllowedToStartWithoutRedisJoinsWhenRedisComes() throws Exception {
        redis = RedisServer.notStarted();
        RedisBridge early = RedisBridge.connect(redis.uri(), options().requireRedisAtStart(false).build());
        Node a = new Node(early, redis.uri());
        nodes.add(a);
        Node.Client onA = a.client();
        assertThat(early.isConnected()).isFalse();
        a.topic.publish("alone");
        assertThat(onA.next()).isEqualTo("alone");
        assertThat(early.stats().droppedDisconnected()).isEqualTo(1);

        redis.restart();
        await("the early bridge connects", early::isConnected);
        Node b = node(options().build());
        Node.Client onB = b.client();
        a.topic.publish("together");
        assertThat(onA.next()).isEqualTo("together");
        assertThat(onB.next()).isEqualTo("together");
        assertThat(early.stats().outages()).as("not having Redis at start is no outage").isZero();
    }

    @Test
    void publishingFromAnEventLoopNeverWaitsForAStalledRedis() throws Exception {
        redis = RedisServer.start();
        // A command timeout longer than the stall, so that this is a slow Redis, not a lost one.
        RedisBridgeOptions o = options().maxQueuedMessages(100).commandTimeout(Duration.ofSeconds(60))
                .healthCheckInterval(Duration.ofSeconds(30)).build();
        Node a = node(o);
        Node b = node(o);
        Node.Client onA = a.client();
        Node.Client onB = b.client();

        redis.suspend();
        int n = 20_000;
        onA.ws.sendText("burst " + n); // the server publishes n messages from its event loop
        int local = 0;
        long tookMillis = -1;
        while (local < n || tookMillis < 0) {
            String m = (String) onA.next();
            if (m.startsWith("burst took ")) {
                tookMillis = Long.parseLong(m.substring(11));
            } else {
                assertThat(m).isEqualTo("b" + local++);
            }
        }
        // Blocking would take as long as the stall, which lasts until resume() below.
        assertThat(tookMillis).as("publishing %d messages on the event loop (ms)", n).isLessThan(5_000);
        RedisBridge.Stats during = a.bridge.stats();
        assertThat(during.droppedQueueFull()).isGreaterThanOrEqualTo(n - 100 - 256);
        assertThat(during.queued()).isLessThanOrEqualTo(100);

        redis.resume();
        await("the queue drains", () -> a.bridge.stats().queued() == 0); // else "after" is dropped too
        a.topic.publish("after");
        // B gets what was in flight or queued: some of the messages, in order, none twice.
        int got = 0;
        int last = -1;
        for (Object m = onB.next(); !"after".equals(m); m = onB.next()) {
            int k = Integer.parseInt(((String) m).substring(1));
            assertThat(k).isGreaterThan(last);
            last = k;
            got++;
        }
        int next = got;
        // A counts a publish when Redis has answered it, which may be just after B got the message.
        await("A counts what it published", () -> a.bridge.stats().published() >= next + 1);
        RedisBridge.Stats s = a.bridge.stats();
        assertThat(s.published()).isEqualTo(next + 1);
        assertThat(s.droppedQueueFull()).isEqualTo(n - next);
        assertThat(s.outages()).isZero();
    }
}
