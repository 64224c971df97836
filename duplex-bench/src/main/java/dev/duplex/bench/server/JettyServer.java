package dev.duplex.bench.server;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The Jetty 12.1 peer of {@code duplex serve} for the side-by-side runs (bench/run): {@code /echo}
 * and {@code /broadcast} (publishers connect with {@code ?role=pub}). Idiomatic Jetty core
 * WebSocket (no servlets): {@link WebSocketUpgradeHandler}, auto-demanding listeners, binary echoed
 * from the received buffer (released when the send completes), one selector per core.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.duplex.bench.server.JettyServer [PORT [SELECTORS]]}.
 */
public final class JettyServer {
    static final Set<Session> SUBSCRIBERS = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int selectors = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("jetty");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, selectors);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(Duration.ofHours(1).toMillis());
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(NettyServer.MAX_MESSAGE);
            container.setMaxBinaryMessageSize(NettyServer.MAX_MESSAGE);
            container.setMaxFrameSize(NettyServer.MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofHours(1));
            container.addMapping("/echo", (rq, rs, cb) -> new Echo());
            container.addMapping("/broadcast", (rq, rs, cb) -> {
                String q = rq.getHttpURI().getQuery();
                return new Broadcast(q != null && q.contains("role=pub"));
            });
        });
        server.setHandler(ws);
        server.start();
        System.out.println("Jetty listening on ws://127.0.0.1:" + port + " (echo: /echo, broadcast: /broadcast)");
        server.join();
    }

    /** Sends every message back: text as text, binary as binary. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback); // the buffer is released once sent
        }
    }

    /** Subscribes unless a publisher; every message goes to every subscriber. */
    public static final class Broadcast implements Session.Listener.AutoDemanding {
        private final boolean publisher;
        private Session session;

        Broadcast(boolean publisher) {
            this.publisher = publisher;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            if (!publisher) {
                SUBSCRIBERS.add(session);
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            SUBSCRIBERS.remove(session);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            SUBSCRIBERS.remove(session);
        }

        @Override
        public void onWebSocketText(String message) {
            for (Session s : SUBSCRIBERS) {
                s.sendText(message, Callback.NOOP);
            }
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            ByteBuffer copy = ByteBuffer.allocate(payload.remaining()).put(payload).flip();
            callback.succeed();
            for (Session s : SUBSCRIBERS) {
                s.sendBinary(copy.slice(), Callback.NOOP);
            }
        }
    }
}
