package dev.duplex;

import dev.duplex.internal.EventLoop;
import dev.duplex.internal.Session;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-memory publish/subscribe for server connections: a message published once is framed once
 * and handed to each event loop, which copies the same bytes to each of its subscribers; every
 * subscriber's frames then leave in that loop's next gathering write. Messages published while a
 * loop is busy wait for it together and reach each subscriber as one copy of their joined
 * frames, which every subscriber writes from the same direct buffer without a copy: a loop
 * visits each subscriber once per batch rather than once per message.
 *
 * <p>A subscriber that cannot keep up (its outbound buffer is at the limit) misses the message
 * instead of slowing everyone: drops are counted in {@link #dropped()}. Closed connections leave
 * their topics by themselves. Thread-safe.
 */
public final class Topic {
    /**
     * Batches larger than this go message by message, so that a subscriber near its buffer
     * limit can still take some of them.
     */
    private static final int MAX_JOINED_BYTES = 64 * 1024;

    private final String name;
    private final Map<EventLoop, LoopGroup> groups = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    // Written under this topic's lock, read without it on every publish.
    private volatile Relay relay;

    public Topic(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /**
     * Adds a server-side connection (one from a {@link WebSocketServer} route).
     *
     * @throws IllegalArgumentException for a connection this runtime did not make
     */
    public void subscribe(WebSocket ws) {
        Session s = session(ws);
        LoopGroup g = groups.computeIfAbsent(s.loop(), LoopGroup::new);
        s.loop().execute(() -> {
            if (s.isOpen() && g.members.add(s)) {
                size.incrementAndGet();
                s.onRelease(() -> remove(g, s));
            }
        });
    }

    /** Removes a connection; it receives nothing published after this call's task runs. */
    public void unsubscribe(WebSocket ws) {
        Session s = session(ws);
        LoopGroup g = groups.get(s.loop());
        if (g != null) {
            s.loop().execute(() -> remove(g, s));
        }
    }

    private void remove(LoopGroup g, Session s) {
        if (g.members.remove(s)) {
            size.decrementAndGet();
        }
    }

    /**
     * Sees every message published on a topic, so that something outside this process (a broker
     * such as duplex-redis) can carry it to other processes. Called on the publishing thread,
     * which may be an event loop: it must not block and should not throw.
     */
    @FunctionalInterface
    public interface Relay {
        /**
         * {@code message} was published on {@code topic}; {@code payload} is its unframed,
         * uncompressed content (read-only, valid after the call: it is never modified).
         */
        void published(Topic topic, PreparedMessage message, ByteBuffer payload);
    }

    /**
     * Hands every later {@link #publish} to {@code relay} as well as to this process's subscribers.
     * A topic has at most one relay, so that a message cannot leave twice by accident.
     *
     * @throws IllegalStateException if another relay is already set
     */
    public synchronized void setRelay(Relay relay) {
        if (relay == null) {
            throw new NullPointerException("relay; use removeRelay to stop relaying");
        }
        if (this.relay != null && this.relay != relay) {
            throw new IllegalStateException("topic " + name + " is already relayed by " + this.relay
                    + "; remove that relay first");
        }
        this.relay = relay;
    }

    /** Stops handing publishes to {@code relay}; does nothing if it is not this topic's relay. */
    public synchronized void removeRelay(Relay relay) {
        if (this.relay == relay) {
            this.relay = null;
        }
    }

    /**
     * Sends {@code message} to every subscriber, and hands it to the topic's {@link Relay} if it
     * has one. Returns at once; delivery happens on the event loops.
     *
     * @return how many connections (of this process) were subscribed when it was published
     */
    public int publish(PreparedMessage message) {
        Relay r = relay;
        if (r != null) {
            r.published(this, message, message.payload());
        }
        return publishLocally(message);
    }

    /**
     * Sends {@code message} to this process's subscribers only, not to the relay: for a relay
     * delivering what another process published.
     *
     * @return how many connections were subscribed when it was published
     */
    public int publishLocally(PreparedMessage message) {
        for (LoopGroup g : groups.values()) {
            g.offer(message);
        }
        return size.get();
    }

    /** Publishes a text message. */
    public int publish(String text) {
        return publish(PreparedMessage.text(text));
    }

    /** Subscribers now. */
    public int size() {
        return size.get();
    }

    /** Messages queued to subscribers so far. */
    public long delivered() {
        return delivered.sum();
    }

    /** Messages a subscriber missed because its outbound buffer was full. */
    public long dropped() {
        return dropped.sum();
    }

    private static Session session(WebSocket ws) {
        if (ws instanceof Session s) {
            return s;
        }
        throw new IllegalArgumentException("only connections made by Duplex can subscribe, not " + ws.getClass().getName());
    }

    /**
     * The subscribers owned by one event loop, touched only on that loop, and the messages
     * published for them that the loop has not delivered yet.
     */
    private final class LoopGroup {
        final EventLoop loop;
        final LinkedHashSet<Session> members = new LinkedHashSet<>();
        private final Runnable drain = this::drain;
        // Guarded by this: publishers on any thread add, the loop takes the whole batch.
        private ArrayList<PreparedMessage> pending = new ArrayList<>();
        private ArrayList<PreparedMessage> spare = new ArrayList<>();
        private boolean drainScheduled;

        LoopGroup(EventLoop loop) {
            this.loop = loop;
        }

        void offer(PreparedMessage m) {
            boolean schedule;
            synchronized (this) {
                pending.add(m);
                schedule = !drainScheduled;
                drainScheduled = true;
            }
            if (schedule) {
                loop.execute(drain);
            }
        }

        private void drain() {
            ArrayList<PreparedMessage> batch;
            synchronized (this) {
                batch = pending;
                pending = spare;
                spare = batch;
                drainScheduled = false;
            }
            try {
                deliver(batch);
            } finally {
                batch.clear();
            }
        }

        private void deliver(List<PreparedMessage> batch) {
            ByteBuffer joined = joinedPlainFrames(batch);
            long ok = 0;
            long missed = 0;
            for (Session s : members) {
                if (joined != null && s.sendJoinedFramesOnLoop(joined, batch.size())) {
                    ok += batch.size();
                    continue;
                }
                for (PreparedMessage m : batch) {
                    switch (s.sendPreparedOnLoop(m, null)) {
                        case QUEUED:
                            ok++;
                            break;
                        case OVER_LIMIT:
                            missed++;
                            break;
                        default:
                            break;
                    }
                }
            }
            delivered.add(ok);
            dropped.add(missed);
        }

        /**
         * The batch's uncompressed frames end to end in one direct buffer that every plain
         * subscriber writes from through its own view, or null when they are too large to join.
         */
        private ByteBuffer joinedPlainFrames(List<PreparedMessage> batch) {
            long total = 0;
            for (PreparedMessage m : batch) {
                total += m.frameFor(null).length;
            }
            if (total > MAX_JOINED_BYTES) {
                return null;
            }
            ByteBuffer joined = ByteBuffer.allocateDirect((int) total);
            for (PreparedMessage m : batch) {
                joined.put(m.frameFor(null));
            }
            joined.flip();
            return joined.asReadOnlyBuffer();
        }
    }
}
