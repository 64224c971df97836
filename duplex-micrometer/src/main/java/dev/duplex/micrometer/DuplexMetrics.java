package dev.duplex.micrometer;

import dev.duplex.ServerStats;
import dev.duplex.Topic;
import dev.duplex.WebSocketServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for a {@link WebSocketServer} and, optionally, its {@link Topic}s. The meters
 * read the server's own counts ({@link WebSocketServer#stats()}) when the registry asks, so
 * binding adds nothing to the connections' work:
 *
 * <pre>{@code
 * DuplexMetrics.of(server).topic(news).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code duplex.connections.open}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code duplex.connections.opened}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code duplex.upgrades.refused}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code duplex.messages}</td><td>counter</td><td>{@code direction}: received, sent</td></tr>
 * <tr><td>{@code duplex.bytes}</td><td>counter (bytes)</td><td>{@code direction}: read, written</td></tr>
 * <tr><td>{@code duplex.closes}</td><td>counter</td><td>{@code code}: 1000 … 1015, 3xxx, 4xxx</td></tr>
 * <tr><td>{@code duplex.slow.consumers.closed}</td><td>counter</td><td></td></tr>
 * <tr><td>{@code duplex.topic.subscribers}</td><td>gauge</td><td>{@code topic}</td></tr>
 * <tr><td>{@code duplex.topic.delivered}</td><td>counter</td><td>{@code topic}</td></tr>
 * <tr><td>{@code duplex.topic.dropped}</td><td>counter</td><td>{@code topic}</td></tr>
 * </table>
 *
 * <p>Close codes are those the server's handlers were told: 1006 counts connections lost without
 * a closing handshake. The meters hold the server and topics strongly: bind them for the
 * server's lifetime, or remove them from the registry when it stops.
 */
public final class DuplexMetrics implements MeterBinder {
    /** Close codes with a meter each; 1004 is reserved and never reported. */
    private static final int[] CODES = {1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011,
        1012, 1013, 1014, 1015};

    private final ServerStats stats;
    private final Tags tags;
    private final List<Topic> topics = new ArrayList<>();

    private DuplexMetrics(ServerStats stats, Tags tags) {
        this.stats = stats;
        this.tags = tags;
    }

    /** Meters for {@code server}, each with {@code tags} (to tell several servers apart, say). */
    public static DuplexMetrics of(WebSocketServer server, Tag... tags) {
        return new DuplexMetrics(Objects.requireNonNull(server, "server").stats(), Tags.of(tags));
    }

    /** Also meters for {@code topic}, tagged with its name. */
    public DuplexMetrics topic(Topic topic) {
        topics.add(Objects.requireNonNull(topic, "topic"));
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("duplex.connections.open", stats, ServerStats::connectionsOpen)
                .description("WebSocket connections open now").tags(tags).register(registry);
        counter(registry, "duplex.connections.opened", "WebSocket connections opened", null,
                ServerStats::connectionsOpened, Tags.empty());
        counter(registry, "duplex.upgrades.refused", "Upgrade requests answered with an error status", null,
                ServerStats::upgradesRefused, Tags.empty());
        counter(registry, "duplex.messages", "WebSocket messages", null,
                ServerStats::messagesReceived, Tags.of("direction", "received"));
        counter(registry, "duplex.messages", "WebSocket messages", null,
                ServerStats::messagesSent, Tags.of("direction", "sent"));
        counter(registry, "duplex.bytes", "Bytes read and written by WebSocket connections (inside TLS)", "bytes",
                ServerStats::bytesRead, Tags.of("direction", "read"));
        counter(registry, "duplex.bytes", "Bytes read and written by WebSocket connections (inside TLS)", "bytes",
                ServerStats::bytesWritten, Tags.of("direction", "written"));
        for (int code : CODES) {
            counter(registry, "duplex.closes", "Connections closed, by close code", null,
                    s -> s.closes(code), Tags.of("code", Integer.toString(code)));
        }
        counter(registry, "duplex.closes", "Connections closed, by close code", null,
                s -> s.closes(3000), Tags.of("code", "3xxx"));
        counter(registry, "duplex.closes", "Connections closed, by close code", null,
                s -> s.closes(4000), Tags.of("code", "4xxx"));
        counter(registry, "duplex.slow.consumers.closed", "Connections closed for reading too slowly (1008)", null,
                ServerStats::slowConsumersClosed, Tags.empty());
        for (Topic topic : topics) {
            Tags t = tags.and("topic", topic.name());
            Gauge.builder("duplex.topic.subscribers", topic, Topic::size)
                    .description("Connections subscribed to the topic").tags(t).register(registry);
            FunctionCounter.builder("duplex.topic.delivered", topic, Topic::delivered)
                    .description("Messages queued to the topic's subscribers").tags(t).register(registry);
            FunctionCounter.builder("duplex.topic.dropped", topic, Topic::dropped)
                    .description("Messages subscribers missed because their outbound buffer was full")
                    .tags(t).register(registry);
        }
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<ServerStats> count, Tags extra) {
        FunctionCounter.builder(name, stats, count).description(description).baseUnit(unit)
                .tags(tags.and(extra)).register(registry);
    }
}
