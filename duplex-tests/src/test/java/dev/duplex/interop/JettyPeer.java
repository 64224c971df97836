package dev.duplex.interop;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/** Jetty 12.1's WebSocket API, as a client ({@link #client}) or as a server ({@link #server}). */
public final class JettyPeer extends Peer {
    private final String name;
    private final CompletableFuture<Session> session = new CompletableFuture<>();
    private WebSocketClient client;
    private Server server;
    private int port;

    private JettyPeer(String name) {
        this.name = name;
    }

    static JettyPeer client(URI uri) throws Exception {
        JettyPeer p = new JettyPeer("Jetty 12.1 client");
        p.client = new WebSocketClient();
        p.client.setMaxTextMessageSize(Payloads.MAX_MESSAGE);
        p.client.setMaxBinaryMessageSize(Payloads.MAX_MESSAGE);
        p.client.setMaxFrameSize(Payloads.MAX_MESSAGE);
        p.client.start();
        p.client.connect(p.new Endpoint(), uri).get(30, TimeUnit.SECONDS);
        return p;
    }

    static JettyPeer server(String path) throws Exception {
        JettyPeer p = new JettyPeer("Jetty 12.1 server");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(Payloads.MAX_MESSAGE);
            container.setMaxBinaryMessageSize(Payloads.MAX_MESSAGE);
            container.setMaxFrameSize(Payloads.MAX_MESSAGE);
            container.setIdleTimeout(java.time.Duration.ofMinutes(2));
            container.addMapping(path, (request, response, callback) -> p.new Endpoint());
        }));
        p.server = server;
        server.start();
        p.port = connector.getLocalPort();
        return p;
    }

    int port() {
        return port;
    }

    private Session session() throws Exception {
        return session.get(30, TimeUnit.SECONDS);
    }

    /** Records what Jetty tells its application. */
    public final class Endpoint implements Session.Listener.AutoDemanding {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public void onWebSocketOpen(Session s) {
            session.complete(s);
            events.add(Event.of("open"));
        }

        @Override
        public void onWebSocketText(String message) {
            events.add(Event.message(true, Payloads.utf8(message)));
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            events.add(Event.message(false, b));
            callback.succeed();
        }

        @Override
        public void onWebSocketPing(ByteBuffer payload) {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            events.add(Event.control("ping", b));
            // Jetty 12 leaves the pong to an application that listens for pings.
            session.join().sendPong(ByteBuffer.wrap(b), Callback.NOOP);
        }

        @Override
        public void onWebSocketPong(ByteBuffer payload) {
            byte[] b = new byte[payload.remaining()];
            payload.get(b);
            events.add(Event.control("pong", b));
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason, Callback callback) {
            events.add(Event.of("close", "code", (long) statusCode, "reason", reason == null ? "" : reason));
            callback.succeed();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            events.add(Event.of("error", "message", String.valueOf(cause)));
        }
    }

    private static void send(java.util.function.Consumer<Callback> op) throws Exception {
        Callback.Completable c = new Callback.Completable();
        op.accept(c);
        c.get(30, TimeUnit.SECONDS);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void sendText(String text) throws Exception {
        Session s = session();
        send(cb -> s.sendText(text, cb));
    }

    @Override
    public void sendBinary(byte[] data) throws Exception {
        Session s = session();
        send(cb -> s.sendBinary(ByteBuffer.wrap(data), cb));
    }

    @Override
    public void sendBigText(int reps) throws Exception {
        sendText(Payloads.bigText(reps));
    }

    @Override
    public void sendBigBinary(int size) throws Exception {
        sendBinary(Payloads.pattern(size));
    }

    @Override
    public void sendTextFragments(List<String> parts) throws Exception {
        Session s = session();
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            String part = parts.get(i);
            send(cb -> s.sendPartialText(part, last, cb));
        }
    }

    @Override
    public void sendBinaryFragments(List<byte[]> parts) throws Exception {
        Session s = session();
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            byte[] part = parts.get(i);
            send(cb -> s.sendPartialBinary(ByteBuffer.wrap(part), last, cb));
        }
    }

    @Override
    public void ping(byte[] payload) throws Exception {
        Session s = session();
        send(cb -> s.sendPing(ByteBuffer.wrap(payload), cb));
    }

    @Override
    public void close(int code, String reason) throws Exception {
        Session s = session();
        try {
            send(cb -> s.close(code, reason, cb));
        } catch (java.util.concurrent.ExecutionException e) {
            // Jetty 12.1 fails this callback with ClosedChannelException in about one run in four
            // when the peer answers the close and drops TCP quickly, although the close frame went
            // out and the handshake completed (Jetty against Jetty does the same). What each side
            // saw is checked through the events instead.
            if (!(e.getCause() instanceof java.nio.channels.ClosedChannelException)) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        try {
            if (session.isDone() && !session.isCompletedExceptionally()) {
                session.join().disconnect();
            }
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        try {
            if (client != null) {
                client.stop();
            }
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + name, e);
        }
    }
}
