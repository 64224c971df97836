package dev.duplex.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.duplex.Topic;
import dev.duplex.WebSocketServer;
import dev.duplex.micrometer.DuplexMetrics;
import dev.duplex.redis.RedisBridge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToLongFunction;

/**
 * {@code duplex serve --metrics-port}: Prometheus metrics at {@code /metrics} on a port of their
 * own, so that monitoring never shares (or exposes) the WebSocket port. The scrape runs on a
 * thread of its own; the meters read counts the event loops keep anyway.
 */
final class MetricsEndpoint implements AutoCloseable {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService thread;
    private final JvmGcMetrics gc;

    private MetricsEndpoint(HttpServer http, ExecutorService thread, JvmGcMetrics gc) {
        this.http = http;
        this.thread = thread;
        this.gc = gc;
    }

    /** Starts serving; {@code redis} is the bridge to other servers, or null. */
    static MetricsEndpoint start(String host, int port, WebSocketServer server, List<Topic> topics, RedisBridge redis)
            throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DuplexMetrics metrics = DuplexMetrics.of(server);
        topics.forEach(metrics::topic);
        metrics.bindTo(registry);
        if (redis != null) {
            bindRedis(registry, redis);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);

        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        http.createContext("/", exchange -> answer(exchange, registry));
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "duplex-metrics");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(thread);
        http.start();
        return new MetricsEndpoint(http, thread, gc);
    }

    /** The bridge's counts: what crossed to and from Redis, what was lost, and the outages. */
    private static void bindRedis(MeterRegistry registry, RedisBridge redis) {
        Gauge.builder("duplex.redis.connected", redis, r -> r.stats().connected() ? 1 : 0)
                .description("Whether the Redis connection is up (1) or not (0)").register(registry);
        Gauge.builder("duplex.redis.queued", redis, r -> r.stats().queued())
                .description("Messages waiting to be published to Redis").register(registry);
        redisCounter(registry, redis, "duplex.redis.messages", "Messages published to Redis", "direction", "published",
                RedisBridge.Stats::published);
        redisCounter(registry, redis, "duplex.redis.messages", "Messages received from other servers", "direction",
                "received", RedisBridge.Stats::received);
        redisCounter(registry, redis, "duplex.redis.dropped", "Messages lost on the way", "reason", "queue-full",
                RedisBridge.Stats::droppedQueueFull);
        redisCounter(registry, redis, "duplex.redis.dropped", "Messages lost on the way", "reason", "disconnected",
                RedisBridge.Stats::droppedDisconnected);
        redisCounter(registry, redis, "duplex.redis.dropped", "Messages lost on the way", "reason", "oversize",
                RedisBridge.Stats::oversize);
        redisCounter(registry, redis, "duplex.redis.dropped", "Messages lost on the way", "reason", "malformed",
                RedisBridge.Stats::malformed);
        redisCounter(registry, redis, "duplex.redis.outages", "Times the Redis connection was lost", null, null,
                RedisBridge.Stats::outages);
    }

    private static void redisCounter(MeterRegistry registry, RedisBridge redis, String name, String description,
            String tag, String value, ToLongFunction<RedisBridge.Stats> count) {
        FunctionCounter.Builder<RedisBridge> b = FunctionCounter.builder(name, redis,
                r -> count.applyAsLong(r.stats())).description(description);
        if (tag != null) {
            b.tag(tag, value);
        }
        b.register(registry);
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found: metrics are at /metrics\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD are served here\n");
            } else {
                send(exchange, 200, CONTENT_TYPE, registry.scrape());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
        thread.shutdownNow();
        gc.close();
    }
}
