package dev.duplex;

import dev.duplex.internal.EventLoop;
import dev.duplex.internal.Session;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-memory publish/subscribe for server connections: a message published once is framed once
 * and handed to each event loop in one task, which copies the same bytes to each of its
 * subscribers; every subscriber's frames then leave in that loop's next gathering write.
 *
 * <p>A subscriber that cannot keep up (its outbound buffer is at the limit) misses the message
 * instead of slowing everyone: drops are counted in {@link #dropped()}. Closed connections leave
 * their topics by themselves. Thread-safe.
 */
public final class Topic {
    private final String name;
    private final Map<EventLoop, LoopGroup> groups = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();

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
     * Sends {@code message} to every subscriber. Returns at once; delivery happens on the event
     * loops.
     *
     * @return how many connections were subscribed when it was published
     */
    public int publish(PreparedMessage message) {
        for (LoopGroup g : groups.values()) {
            g.loop.execute(() -> g.deliver(message));
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

    /** The subscribers owned by one event loop; touched only on that loop. */
    private final class LoopGroup {
        final EventLoop loop;
        final LinkedHashSet<Session> members = new LinkedHashSet<>();

        LoopGroup(EventLoop loop) {
            this.loop = loop;
        }

        void deliver(PreparedMessage m) {
            long ok = 0;
            long missed = 0;
            for (Session s : members) {
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
            delivered.add(ok);
            dropped.add(missed);
        }
    }
}
