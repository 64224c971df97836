package dev.duplex;

import dev.duplex.internal.EventLoop;
import dev.duplex.internal.LoopStats;
import dev.duplex.internal.SessionList;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Live counts of what a server's connections have done, for monitoring: each call reads the
 * current totals (since {@link WebSocketServer#start()}). Counting costs the connections'
 * event loops a plain increment each, with no lock and no atomic instruction, so it is always
 * on. Get one with {@link WebSocketServer#stats()}; {@code duplex-micrometer} turns it into
 * Micrometer meters.
 *
 * <p>Messages count whole WebSocket messages (a fragmented message once), not pings or pongs;
 * bytes count what the connections read and wrote, HTTP handshakes and frame headers included,
 * before TLS encryption and after decryption.
 */
public final class ServerStats {
    private final EventLoop[] loops;
    private final SessionList sessions;

    ServerStats(EventLoop[] loops, SessionList sessions) {
        this.loops = loops;
        this.sessions = sessions;
    }

    /** WebSocket connections open now. */
    public int connectionsOpen() {
        return sessions.size();
    }

    /** WebSocket connections opened (upgraded) so far. */
    public long connectionsOpened() {
        return sum(LoopStats::opened);
    }

    /** Upgrade requests answered with an error status instead of 101 (bad request, refused Origin, ...). */
    public long upgradesRefused() {
        return sum(LoopStats::upgradesRefused);
    }

    /** Messages received from clients. */
    public long messagesReceived() {
        return sum(LoopStats::messagesReceived);
    }

    /** Messages queued to clients: sends and topic deliveries. */
    public long messagesSent() {
        return sum(LoopStats::messagesSent);
    }

    /** Bytes read from connections. */
    public long bytesRead() {
        return sum(LoopStats::bytesRead);
    }

    /** Bytes written to connections. */
    public long bytesWritten() {
        return sum(LoopStats::bytesWritten);
    }

    /** Connections closed because the peer read too slowly for the outbound limit (1008). */
    public long slowConsumersClosed() {
        return sum(LoopStats::slowConsumers);
    }

    /**
     * Connections closed with {@code code}, as their handlers' {@code onClose} was told (1006 for
     * a connection lost without a closing handshake). Codes 1000–1015 are counted one by one; a
     * code from 3000–3999 or 4000–4999 gives the count for that whole range.
     */
    public long closes(int code) {
        return sum(s -> s.closes(code));
    }

    /**
     * Every close code seen so far with its count: 1000–1015 as themselves, the application
     * ranges under 3000 and 4000.
     */
    public Map<Integer, Long> closesByCode() {
        Map<Integer, Long> byCode = new TreeMap<>();
        for (int code = LoopStats.FIRST_CODE; code <= LoopStats.LAST_CODE; code++) {
            put(byCode, code);
        }
        put(byCode, 3000);
        put(byCode, 4000);
        return byCode;
    }

    private void put(Map<Integer, Long> byCode, int code) {
        long n = closes(code);
        if (n > 0) {
            byCode.put(code, n);
        }
    }

    private long sum(ToLongFunction<LoopStats> count) {
        long total = 0;
        for (EventLoop loop : loops) {
            if (loop != null) { // not started yet
                total += count.applyAsLong(loop.stats());
            }
        }
        return total;
    }
}
