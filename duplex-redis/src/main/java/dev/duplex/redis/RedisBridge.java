package dev.duplex.redis;

import dev.duplex.PreparedMessage;
import dev.duplex.Topic;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Shares {@link Topic}s between processes ("nodes") through Redis pub/sub: once a topic is
 * {@linkplain #attach attached}, a message {@linkplain Topic#publish published} on it on any node
 * reaches the topic's subscribers on every node whose bridge attached a topic of the same name.
 *
 * <pre>{@code
 * RedisBridge bridge = RedisBridge.connect(URI.create("redis://127.0.0.1:6379"), RedisBridgeOptions.defaults());
 * Topic news = new Topic("news");
 * bridge.attach(news);
 * news.publish("hello");          // this node's subscribers at once, other nodes' through Redis
 * }</pre>
 *
 * <p><b>Delivery.</b> At most once. A node delivers its own publishes to its own subscribers at
 * once, without waiting for Redis, and skips their echo when Redis sends them back (each message
 * carries its node's random id). Other nodes get a message through Redis, in the order the
 * publishing node published (one connection per node publishes, and Redis keeps a connection's
 * order). There is no single order across nodes: two nodes publishing at the same moment may
 * each see their own message first.
 *
 * <p><b>Failure.</b> Nothing here blocks a publisher: messages wait for Redis in a bounded queue
 * and are dropped and counted when it is full, when Redis is unreachable, or when they exceed
 * {@link RedisBridgeOptions#maxMessageBytes()}. Local delivery never depends on Redis. A lost
 * connection is retried with backoff and the topics are subscribed again; messages published
 * while Redis was away are not replayed. See {@link #stats()}.
 *
 * <p>Uses two Redis connections (one to publish, one subscribed) and two daemon threads.
 * Thread-safe.
 */
public final class RedisBridge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisBridge.class);
    private static final int MAX_BATCH = 256;
    private static final int MISSED_PONGS_BEFORE_RECONNECT = 3;
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final URI uri;
    private final String where;
    private final RedisBridgeOptions options;
    private final byte[] nodeId;
    private final String nodeName;
    private final byte[] controlChannel;
    private final JedisClientConfig config;
    private final Link link;
    private final Topic.Relay relay = this::relay;

    // Attached topics: by channel for messages from Redis, by topic for publishes.
    private final Map<String, Topic> byChannel = new ConcurrentHashMap<>();
    private final Map<Topic, byte[]> channelOf = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> confirmations = new ConcurrentHashMap<>();

    private final ArrayBlockingQueue<Outbound> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile boolean publisherUp;
    private volatile Jedis publisherConnection;
    // Set when the link went down: the publisher PINGs before it sends on its connection again.
    private volatile boolean publisherSuspect;
    // Taken from the queue but not sent (its connection failed a PING first): sent on the next one.
    private Outbound unsent;

    // Guards the subscribed connection's writes (SUBSCRIBE, UNSUBSCRIBE, PING), made from
    // several threads while the subscriber thread reads.
    private final Object subscriptionLock = new Object();
    private Jedis subscriberConnection;
    private Subscriber subscriber;
    private boolean subscriberReady;
    private final AtomicInteger unansweredPings = new AtomicInteger();

    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder droppedQueueFull = new LongAdder();
    private final LongAdder droppedDisconnected = new LongAdder();
    private final LongAdder oversize = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final AtomicLong lastQueueWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private final AtomicLong lastSizeWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean closed;
    private final Thread publisherThread;
    private final Thread subscriberThread;

    private record Outbound(byte[] channel, byte[] body) {}

    private RedisBridge(URI uri, RedisBridgeOptions options) {
        this.uri = uri;
        this.options = options;
        this.where = redacted(uri);
        UUID id = UUID.randomUUID();
        this.nodeId = ByteBuffer.allocate(Envelope.NODE_ID_BYTES)
                .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
        this.nodeName = HexFormat.of().formatHex(nodeId);
        // A channel of this node's own, always subscribed, so that the subscribed connection is
        // in subscribed mode (and can take SUBSCRIBE and PING) even with no topic attached.
        this.controlChannel = bytes(options.channelPrefix() + "~node~" + nodeName);
        this.config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) options.connectTimeout().toMillis())
                .socketTimeoutMillis((int) options.commandTimeout().toMillis())
                .clientName("duplex-" + nodeName.substring(0, 8))
                .autoNegotiateProtocol(false) // RESP2: pub/sub as every Redis since 2.x speaks it
                .build();
        this.link = new Link(where, options.requireRedisAtStart(), this::checkPublisherSoon);
        this.queue = new ArrayBlockingQueue<>(options.maxQueuedMessages());
        this.publisherThread = new Thread(this::publishLoop, "duplex-redis-publisher");
        this.subscriberThread = new Thread(this::subscribeLoop, "duplex-redis-subscriber");
        publisherThread.setDaemon(true);
        subscriberThread.setDaemon(true);
    }

    /**
     * Connects to Redis at {@code uri} ({@code redis://[[user]:password@]host[:port][/db]}, or
     * {@code rediss://} for TLS). Waits for both connections, at most about twice the connect
     * timeout.
     *
     * @throws IllegalArgumentException if {@code uri} is not a Redis URI
     * @throws IllegalStateException if Redis does not answer and
     *                               {@link RedisBridgeOptions#requireRedisAtStart()} (the default);
     *                               otherwise the bridge starts without it and keeps trying
     */
    public static RedisBridge connect(URI uri, RedisBridgeOptions options) {
        if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            throw new IllegalArgumentException("not a Redis URI: " + redacted(uri)
                    + "; expected redis://HOST:PORT (or rediss:// for TLS), like redis://127.0.0.1:6379");
        }
        RedisBridge bridge = new RedisBridge(uri, options);
        bridge.publisherThread.start();
        bridge.subscriberThread.start();
        long waitMillis = 2 * options.connectTimeout().toMillis() + 1000;
        try {
            bridge.link.firstUp.get(waitMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            if (options.requireRedisAtStart()) {
                bridge.close();
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                throw new IllegalStateException("cannot reach Redis at " + bridge.where + " ("
                        + (cause instanceof TimeoutException ? "no answer in " + waitMillis + " ms" : Link.describe(cause))
                        + "). Is redis-server running there? Check the address, or allow starting without Redis "
                        + "(RedisBridgeOptions.requireRedisAtStart(false)).", cause);
            }
        } catch (InterruptedException e) {
            bridge.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to Redis at " + bridge.where, e);
        }
        return bridge;
    }

    /** {@link #connect(URI, RedisBridgeOptions)} with {@link RedisBridgeOptions#defaults()}. */
    public static RedisBridge connect(URI uri) {
        return connect(uri, RedisBridgeOptions.defaults());
    }

    /**
     * Shares {@code topic} with the other nodes: from now on its publishes also go to Redis
     * channel {@code prefix + topic.name()}, and messages other nodes publish there reach its
     * subscribers here. Attaching the same topic again does nothing.
     *
     * @return completes when Redis has confirmed the subscription, so that messages other nodes
     *         publish from then on arrive here; while Redis is unreachable, once it is back
     * @throws IllegalStateException if another topic of the same name is attached, if the topic
     *                               already has another relay (another bridge), or if this
     *                               bridge is closed
     */
    public CompletableFuture<Void> attach(Topic topic) {
        String channel = options.channelPrefix() + topic.name();
        byte[] channelBytes = bytes(channel);
        synchronized (subscriptionLock) {
            if (closed) {
                throw new IllegalStateException("this Redis bridge is closed; connect a new one");
            }
            Topic existing = byChannel.get(channel);
            if (existing == topic) {
                return confirmations.getOrDefault(channel, CompletableFuture.completedFuture(null));
            }
            if (existing != null) {
                throw new IllegalStateException("another topic named \"" + topic.name()
                        + "\" is already attached to this bridge; use that topic, or detach it first");
            }
            topic.setRelay(relay);
            CompletableFuture<Void> confirmed = new CompletableFuture<>();
            confirmations.put(channel, confirmed);
            channelOf.put(topic, channelBytes);
            byChannel.put(channel, topic);
            if (subscriberReady) {
                try {
                    subscriber.subscribe(channelBytes);
                } catch (RuntimeException e) {
                    // The connection is failing; the reconnect subscribes every attached topic.
                    log.debug("SUBSCRIBE {} failed; it will be sent again on reconnect", channel, e);
                }
            }
            return confirmed;
        }
    }

    /** Stops sharing {@code topic}: its publishes stay on this node, and other nodes' no longer arrive. */
    public void detach(Topic topic) {
        synchronized (subscriptionLock) {
            byte[] channelBytes = channelOf.remove(topic);
            if (channelBytes == null) {
                return;
            }
            topic.removeRelay(relay);
            String channel = options.channelPrefix() + topic.name();
            byChannel.remove(channel);
            CompletableFuture<Void> pending = confirmations.remove(channel);
            if (pending != null) {
                pending.cancel(false);
            }
            if (subscriberReady) {
                try {
                    subscriber.unsubscribe(channelBytes);
                } catch (RuntimeException e) {
                    log.debug("UNSUBSCRIBE {} failed; the reconnect will not subscribe it again", channel, e);
                }
            }
        }
    }

    /** This node's id (32 hex digits), carried by every message it publishes. */
    public String nodeId() {
        return nodeName;
    }

    /** Whether both connections to Redis are up and the topics subscribed. */
    public boolean isConnected() {
        return link.isUp();
    }

    /** Counts since {@link #connect}; each call reads the current values. */
    public Stats stats() {
        return new Stats(published.sum(), received.sum(), droppedQueueFull.sum(), droppedDisconnected.sum(),
                oversize.sum(), malformed.sum(), link.outages(), link.reconnects(), queue.size(), link.isUp());
    }

    /**
     * What a bridge has done.
     *
     * @param published           messages sent to Redis
     * @param received            messages from other nodes delivered to local subscribers (the
     *                            node's own echoes are not counted)
     * @param droppedQueueFull    publishes not sent because too much was waiting for Redis
     * @param droppedDisconnected publishes not sent because Redis was unreachable (including
     *                            those waiting, or in flight, when the connection was lost)
     * @param oversize            messages over {@link RedisBridgeOptions#maxMessageBytes()},
     *                            published here or received, that were not carried
     * @param malformed           messages received that this version cannot read (not from a
     *                            bridge, or text that is not UTF-8)
     * @param outages             times the connection to Redis was lost after it had been up
     * @param reconnects          times it came back after such a loss
     * @param queued              publishes waiting for Redis now
     * @param connected           whether both connections are up now
     */
    public record Stats(long published, long received, long droppedQueueFull, long droppedDisconnected,
                        long oversize, long malformed, long outages, long reconnects, int queued,
                        boolean connected) {
        /** Every message dropped on the way to or from Redis, for whatever reason. */
        public long dropped() {
            return droppedQueueFull + droppedDisconnected + oversize + malformed;
        }
    }

    /**
     * Detaches every topic (they go on delivering locally) and closes both connections. Messages
     * still waiting for Redis are dropped. Waits for the bridge's threads up to the connect
     * timeout.
     */
    @Override
    public void close() {
        synchronized (subscriptionLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Topic t : List.copyOf(channelOf.keySet())) {
                t.removeRelay(relay);
            }
            for (CompletableFuture<Void> f : confirmations.values()) {
                f.cancel(false);
            }
            if (subscriberConnection != null) {
                disconnectQuietly(subscriberConnection); // ends the subscriber thread's blocking read
            }
        }
        closing.countDown();
        Jedis p = publisherConnection;
        if (p != null) {
            disconnectQuietly(p);
        }
        publisherThread.interrupt();
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        for (Thread t : new Thread[] {publisherThread, subscriberThread}) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        queue.clear();
        queuedBytes.set(0);
    }

    @Override
    public String toString() {
        return "RedisBridge[" + where + ", node " + nodeName + "]";
    }

    // ---- publishing: any thread (often an event loop) -> queue -> publisher thread -> Redis

    /** Topic.Relay: runs on the publishing thread, so it only checks, copies and offers. */
    private void relay(Topic topic, PreparedMessage message, ByteBuffer payload) {
        byte[] channel = channelOf.get(topic);
        if (channel == null || closed) {
            return;
        }
        if (payload.remaining() > options.maxMessageBytes()) {
            oversize.increment();
            warnNowAndThen(lastSizeWarning, "A message of {} bytes on topic {} is over the {}-byte limit for Redis "
                    + "(RedisBridgeOptions.maxMessageBytes); it reached this node's subscribers only",
                    payload.remaining(), topic.name(), options.maxMessageBytes());
            return;
        }
        if (!publisherUp) {
            droppedDisconnected.increment();
            return;
        }
        byte[] body = Envelope.encode(nodeId, message.isText(), payload);
        if (queuedBytes.addAndGet(body.length) > options.maxQueuedBytes() || !queue.offer(new Outbound(channel, body))) {
            queuedBytes.addAndGet(-body.length);
            droppedQueueFull.increment();
            warnNowAndThen(lastQueueWarning, "Redis at {} is not keeping up: {} messages are waiting, the limit{} "
                    + "(RedisBridgeOptions.maxQueuedMessages/maxQueuedBytes) is reached, so messages to other nodes "
                    + "are dropped", where, queue.size(), "");
        }
    }

    private void publishLoop() {
        int attempt = 0;
        while (!closed) {
            Jedis jedis = null;
            try {
                jedis = new Jedis(uri, config);
                publisherConnection = jedis;
                if (closed) {
                    break;
                }
                jedis.ping();
                publisherUp = true;
                publisherSuspect = false;
                attempt = 0;
                link.up(Link.PUBLISHER);
                checkSubscriber(); // its PONG brings the subscriber side back up if it never went away
                pump(jedis);
            } catch (RuntimeException e) {
                publisherUp = false;
                if (closed) {
                    break;
                }
                if (attempt > 0) {
                    // Not a lost connection but Redis away: what waits would be stale when it is back.
                    dropQueued();
                }
                link.down(Link.PUBLISHER, e);
                log.debug("Redis publisher connection failed", e);
                if (pause(attempt++)) {
                    break;
                }
            } finally {
                publisherUp = false;
                publisherConnection = null;
                if (jedis != null) {
                    disconnectQuietly(jedis);
                }
            }
        }
    }

    /** Sends what is queued until the connection fails (throws) or the bridge closes (returns). */
    private void pump(Jedis jedis) {
        List<Outbound> batch = new ArrayList<>(MAX_BATCH);
        long interval = options.healthCheckInterval().toNanos();
        long lastCheck = System.nanoTime();
        while (!closed) {
            if (publisherSuspect) {
                publisherSuspect = false;
                jedis.ping();
                link.up(Link.PUBLISHER);
                checkSubscriber();
            }
            Outbound first = unsent;
            unsent = null;
            if (first == null) {
                try {
                    first = queue.poll(interval, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    continue; // close() or checkPublisherSoon(): the loop's conditions say which
                }
            }
            long now = System.nanoTime();
            if (first == null || now - lastCheck >= interval || publisherSuspect) {
                lastCheck = now;
                unsent = first;
                // An idle connection is still checked (within the command timeout), and a
                // suspect one before a message is risked on it.
                if (first == null || publisherSuspect) {
                    publisherSuspect = false;
                    jedis.ping();
                    link.up(Link.PUBLISHER);
                }
                checkSubscriber();
                unsent = null;
                if (first == null) {
                    continue;
                }
            }
            batch.add(first);
            queue.drainTo(batch, MAX_BATCH - 1);
            long bytes = 0;
            for (Outbound o : batch) {
                bytes += o.body.length;
            }
            queuedBytes.addAndGet(-bytes);
            try {
                if (batch.size() == 1) {
                    jedis.publish(first.channel, first.body);
                } else {
                    // One round trip for the batch; Redis runs them in this order.
                    Pipeline p = jedis.pipelined();
                    for (Outbound o : batch) {
                        p.publish(o.channel, o.body);
                    }
                    p.sync();
                }
                published.add(batch.size());
            } catch (RuntimeException e) {
                droppedDisconnected.add(batch.size()); // some may have gone out: at most once
                throw e;
            } finally {
                batch.clear();
            }
        }
    }

    /** The link went down: the publisher's connection may be dead without knowing it yet. */
    private void checkPublisherSoon() {
        publisherSuspect = true;
        if (!closed && Thread.currentThread() != publisherThread) {
            publisherThread.interrupt(); // wakes it from waiting for the queue; Jedis' socket I/O ignores it
        }
    }

    private void dropQueued() {
        List<Outbound> lost = new ArrayList<>();
        if (unsent != null) {
            lost.add(unsent);
            unsent = null;
        }
        queue.drainTo(lost);
        long bytes = 0;
        for (Outbound o : lost) {
            bytes += o.body.length;
        }
        queuedBytes.addAndGet(-bytes);
        droppedDisconnected.add(lost.size());
    }

    // ---- receiving: Redis -> subscriber thread -> Topic.publishLocally

    private void subscribeLoop() {
        int attempt = 0;
        while (!closed) {
            Jedis jedis = null;
            Subscriber s = new Subscriber();
            try {
                jedis = new Jedis(uri, config);
                synchronized (subscriptionLock) {
                    if (closed) {
                        break;
                    }
                    subscriberConnection = jedis;
                    subscriber = s;
                    subscriberReady = false;
                    unansweredPings.set(0);
                }
                jedis.subscribe(s, controlChannel); // returns when unsubscribed, throws when the connection fails
                if (!closed) {
                    throw new IllegalStateException("Redis ended the subscription");
                }
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                link.down(Link.SUBSCRIBER, e);
                log.debug("Redis subscriber connection failed", e);
                if (s.wasReady) {
                    attempt = 0; // this connection worked: the first retry comes soon
                }
                if (pause(attempt++)) {
                    break;
                }
            } finally {
                synchronized (subscriptionLock) {
                    subscriberConnection = null;
                    subscriber = null;
                    subscriberReady = false;
                }
                if (jedis != null) {
                    disconnectQuietly(jedis);
                }
            }
        }
    }

    /**
     * Checks, from the publisher thread, that the subscribed connection still answers: a
     * connection whose peer vanished without closing it would otherwise wait forever, since a
     * subscribed connection has no read timeout.
     */
    private void checkSubscriber() {
        Jedis stale = null;
        synchronized (subscriptionLock) {
            if (!subscriberReady) {
                return;
            }
            if (unansweredPings.get() >= MISSED_PONGS_BEFORE_RECONNECT) {
                stale = subscriberConnection;
            } else {
                try {
                    unansweredPings.incrementAndGet();
                    subscriber.ping();
                } catch (RuntimeException e) {
                    stale = subscriberConnection;
                }
            }
        }
        if (stale != null) {
            log.debug("Redis subscriber connection does not answer PING; reconnecting");
            disconnectQuietly(stale);
        }
    }

    private final class Subscriber extends BinaryJedisPubSub {
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        // The PING sent after (re)subscribing every topic: its PONG means Redis has done them all.
        private boolean awaitingReadyPong;
        volatile boolean wasReady;

        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            if (Arrays.equals(channel, controlChannel)) {
                synchronized (subscriptionLock) {
                    subscriberReady = true;
                    if (!channelOf.isEmpty()) {
                        subscribe(channelOf.values().toArray(new byte[0][]));
                    }
                    awaitingReadyPong = true;
                    ping();
                }
                return;
            }
            CompletableFuture<Void> c = confirmations.get(new String(channel, StandardCharsets.UTF_8));
            if (c != null) {
                c.complete(null);
            }
        }

        @Override
        public void onPong(byte[] pattern) {
            unansweredPings.set(0);
            if (awaitingReadyPong) {
                awaitingReadyPong = false;
                wasReady = true;
            }
            if (wasReady) {
                link.up(Link.SUBSCRIBER); // again after an outage that this connection survived
            }
        }

        @Override
        public void onMessage(byte[] channel, byte[] body) {
            unansweredPings.set(0);
            try {
                deliver(channel, body);
            } catch (RuntimeException e) {
                // Never let one message end the subscription.
                malformed.increment();
                log.warn("Could not deliver a message from Redis channel {}", new String(channel, StandardCharsets.UTF_8), e);
            }
        }

        private void deliver(byte[] channel, byte[] body) {
            if (!Envelope.wellFormed(body)) {
                malformed.increment();
                return;
            }
            if (Envelope.from(body, nodeId)) {
                return; // our own publish, already delivered here
            }
            int length = Envelope.payloadLength(body);
            if (length > options.maxMessageBytes()) {
                oversize.increment();
                return;
            }
            Topic topic = byChannel.get(new String(channel, StandardCharsets.UTF_8));
            if (topic == null) {
                return; // detached while the message was on its way
            }
            PreparedMessage m;
            if (Envelope.isText(body)) {
                CharBuffer text;
                try {
                    text = utf8.decode(ByteBuffer.wrap(body, Envelope.HEADER, length));
                } catch (CharacterCodingException e) {
                    malformed.increment();
                    return;
                }
                m = PreparedMessage.text(text.toString());
            } else {
                m = PreparedMessage.binary(ByteBuffer.wrap(body, Envelope.HEADER, length));
            }
            received.increment(); // before the subscribers can see it, so that a count read after them is whole
            topic.publishLocally(m);
        }
    }

    // ---- helpers

    /** Waits before reconnection attempt {@code attempt}; true if the bridge closed meanwhile. */
    private boolean pause(int attempt) {
        try {
            return closing.await(options.reconnectBackoff().delayMillis(attempt, ThreadLocalRandom.current()),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return closed;
        }
    }

    private void warnNowAndThen(AtomicLong last, String format, Object a, Object b, Object c) {
        long now = System.nanoTime();
        long prev = last.get();
        if (now - prev >= WARN_EVERY_NANOS && last.compareAndSet(prev, now)) {
            log.warn(format + " (logged at most once a minute; see RedisBridge.stats())", a, b, c);
        }
    }

    private static void disconnectQuietly(Jedis jedis) {
        try {
            jedis.disconnect();
        } catch (RuntimeException e) {
            log.debug("closing a Redis connection failed", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The URI without its password, for messages and logs. */
    static String redacted(URI uri) {
        String s = uri.toString();
        String info = uri.getRawUserInfo();
        return info == null ? s : s.replace(info + "@", (info.contains(":") ? info.substring(0, info.indexOf(':')) + ":***" : "***") + "@");
    }
}
