package dev.duplex.conformance;

import static dev.duplex.conformance.ServerConformanceTest.grouped;
import static dev.duplex.conformance.ServerConformanceTest.recorded;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.duplex.ClientOptions;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Client mode: the harness is a raw-socket server (the part Autobahn's fuzzing server plays).
 * For each case our {@link WebSocketClient} connects with an echo handler (like
 * {@code duplex connect --echo}), the harness checks its opening handshake strictly, answers 101
 * (with permessage-deflate as the case's combination says), plays the case and judges what the
 * client echoes and how it closes, and then that the handler heard the same close.
 */
@ExtendWith(ConformanceReport.Extension.class)
class ClientConformanceTest {
    static final String MODE = "client";

    /** A group 10 combination: how the client is configured, and what the harness answers. */
    record Combo(String name, PerMessageDeflate clientExtension, String response) {}

    static final List<Combo> COMBOS = List.of(
            new Combo("answer permessage-deflate", null, "permessage-deflate"),
            new Combo("answer client_no_context_takeover", null, "permessage-deflate; client_no_context_takeover"),
            new Combo("answer server_no_context_takeover", null, "permessage-deflate; server_no_context_takeover"),
            new Combo("answer server_max_window_bits=15", null, "permessage-deflate; server_max_window_bits=15"),
            new Combo("client offers client_no_context_takeover, both answered",
                    PerMessageDeflate.builder().offerClientNoContextTakeover(true).build(),
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
            new Combo("client compresses every message (threshold 0), context takeover",
                    PerMessageDeflate.builder().threshold(0).build(), "permessage-deflate"));

    static ServerSocket listener;
    static WebSocketClient client;
    static final Set<String> KEYS = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(5000);
        client = WebSocketClient.create(2);
    }

    @AfterAll
    static void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /** {@code duplex connect --echo}: every message back as it came, and what the close was. */
    static final class EchoClient extends ServerConformanceTest.Echo {
        record Closed(int code, String reason, boolean byPeer) {}

        final CompletableFuture<Closed> closed = new CompletableFuture<>();

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
            closed.complete(new Closed(code, reason, closedByPeer));
        }
    }

    @TestFactory
    Stream<DynamicNode> catalogue() {
        List<Case> cases = Catalogue.build(false, COMBOS.stream().map(Combo::name).toList());
        return grouped(cases, c -> () -> run(c), MODE);
    }

    @TestFactory
    Stream<DynamicNode> handshake() {
        return Stream.of(dynamicContainer("9 Opening handshake", handshakeCases().stream()));
    }

    static ClientOptions options(Combo combo) {
        ClientOptions.Builder b = ClientOptions.builder().maxMessageSize(Catalogue.MAX_MESSAGE);
        if (combo != null && combo.clientExtension() != null) {
            b.extension(combo.clientExtension());
        }
        return b.build();
    }

    /** A connection accepted from our client, its request checked. */
    record Accepted(Socket socket, InputStream in, Http.Head request, EchoClient handler,
            CompletableFuture<WebSocket> open) {}

    private static Accepted accept(Case c, ClientOptions options) throws IOException {
        EchoClient handler = new EchoClient();
        String path = "/conformance?case=" + c.id();
        CompletableFuture<WebSocket> open = client.open(URI.create("ws://127.0.0.1:" + listener.getLocalPort() + path),
                handler, options);
        Socket s;
        try {
            s = listener.accept();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(c.id() + ": the client did not connect within 5 s (" + open + ")");
        }
        s.setTcpNoDelay(true);
        s.setSoTimeout(5000);
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        Http.Head h = Http.readHead(in);
        s.setSoTimeout(0);
        check(c, h != null, "the client sent no request");
        check(c, h.startLine().equals("GET " + path + " HTTP/1.1"), "request line " + h.startLine());
        check(c, ("127.0.0.1:" + listener.getLocalPort()).equals(h.first("host")), "Host " + h.first("host"));
        check(c, h.hasToken("upgrade", "websocket"), "no Upgrade: websocket");
        check(c, h.hasToken("connection", "upgrade"), "no Connection: Upgrade");
        check(c, "13".equals(h.first("sec-websocket-version")), "Sec-WebSocket-Version " + h.first("sec-websocket-version"));
        String key = h.first("sec-websocket-key");
        check(c, key != null && h.all("sec-websocket-key").size() == 1, "Sec-WebSocket-Key missing or repeated");
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            raw = new byte[0];
        }
        check(c, raw.length == 16, "Sec-WebSocket-Key is not 16 bytes in base64: " + key);
        check(c, KEYS.add(key), "Sec-WebSocket-Key reused (must be random per connection): " + key);
        for (String e : h.all("sec-websocket-extensions")) {
            for (String element : e.split(",")) {
                String name = element.split(";")[0].trim();
                if (name.equalsIgnoreCase("permessage-deflate")) {
                    for (String p : HarnessDeflate.params(element).keySet()) {
                        check(c, Set.of("client_no_context_takeover", "server_no_context_takeover", "client_max_window_bits",
                                "server_max_window_bits").contains(p), "offer with unknown parameter: " + element);
                    }
                }
            }
        }
        return new Accepted(s, in, h, handler, open);
    }

    private static boolean offersDeflate(Http.Head h) {
        for (String e : h.all("sec-websocket-extensions")) {
            for (String element : e.split(",")) {
                if (element.split(";")[0].trim().equalsIgnoreCase("permessage-deflate")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void run(Case c) throws Exception {
        Combo combo = c.combo() == 0 ? null : COMBOS.get(c.combo() - 1);
        Accepted a = accept(c, options(combo));
        Socket s = a.socket();
        HarnessDeflate deflate = null;
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Http.accept(a.request().first("sec-websocket-key")) + "\r\n";
        if (combo != null) {
            check(c, offersDeflate(a.request()), "the client did not offer permessage-deflate: "
                    + a.request().all("sec-websocket-extensions"));
            if (combo.clientExtension() != null && combo.response().contains("client_no_context_takeover")) {
                check(c, a.request().all("sec-websocket-extensions").toString().contains("client_no_context_takeover"),
                        "client_no_context_takeover not offered");
            }
            response += "Sec-WebSocket-Extensions: " + combo.response() + "\r\n";
            deflate = HarnessDeflate.asServer(HarnessDeflate.params(combo.response()));
        }
        OutputStream out = s.getOutputStream();
        out.write(Http.bytes(response + "\r\n"));
        out.flush();
        try {
            a.open().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            s.close();
            throw new AssertionError(c.id() + ": the client did not open: " + e);
        }
        RawPeer.Outcome o;
        try (RawPeer peer = new RawPeer(s, a.in(), false, deflate)) {
            o = peer.play(c);
        }
        EchoClient.Closed closed;
        try {
            closed = a.handler().closed.get(3, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(c.id() + " [" + c.title() + "]: the handler's onClose was not called within 3 s");
        }
        if (c.expect().ending().fail()) {
            check(c, closed.code() == o.peerCloseCode() && !closed.byPeer(),
                    "the client failed the connection with " + o.peerCloseCode() + " but onClose said " + closed);
        } else {
            int sent = o.harnessCloseCode() == Case.NO_CODE ? 1005 : o.harnessCloseCode();
            check(c, closed.code() == sent && closed.byPeer(),
                    "the harness closed with " + sent + " but onClose said " + closed);
        }
    }

    static void check(Case c, boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(c.id() + " [" + c.title() + "]: " + what);
        }
    }

    // ------------------------------------------------------------------ 9 opening handshake

    private List<DynamicNode> handshakeCases() {
        List<DynamicNode> t = new ArrayList<>();
        String ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n";
        refused(t, "9.1", "wrong Sec-WebSocket-Accept", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n");
        refused(t, "9.2", "no Upgrade header", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n");
        refused(t, "9.3", "Connection without upgrade", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                + "Connection: keep-alive\r\nSec-WebSocket-Accept: %s\r\n");
        refused(t, "9.4", "200 OK instead of 101", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        refused(t, "9.5", "an extension that was not offered", ok + "Sec-WebSocket-Extensions: x-unknown\r\n");
        refused(t, "9.6", "client_max_window_bits=10 that was not offered",
                ok + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n");
        refused(t, "9.7", "server_max_window_bits=7 (out of range)",
                ok + "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=7\r\n");
        refused(t, "9.8", "permessage-deflate answered twice",
                ok + "Sec-WebSocket-Extensions: permessage-deflate, permessage-deflate\r\n");
        refused(t, "9.9", "a subprotocol that was not offered", ok + "Sec-WebSocket-Protocol: chat\r\n");
        refused(t, "9.10", "permessage-deflate with an unknown parameter",
                ok + "Sec-WebSocket-Extensions: permessage-deflate; foo\r\n");
        refused(t, "9.11", "426 Upgrade Required", "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n");
        refused(t, "9.12", "HTTP/1.0 101", "HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: %s\r\n");
        accepted(t, "9.13", "valid response in 1-byte writes", ok, true, false);
        accepted(t, "9.14", "header names in odd case, extra tokens", "HTTP/1.1 101 Switching Protocols\r\nUPGRADE: WebSocket\r\n"
                + "connection: keep-alive, Upgrade\r\nsec-websocket-accept: %s\r\nServer: conformance\r\n", false, false);
        accepted(t, "9.15", "a text frame in the same write as the 101 is echoed", ok, false, true);
        return t;
    }

    private void refused(List<DynamicNode> t, String id, String title, String response) {
        Case c = new Case(id, title, List.of(), null, Catalogue.BOUND, 0);
        t.add(dynamicTest(id + " " + title + ": the client refuses", recorded(MODE, id, () -> {
            Accepted a = accept(c, options(null));
            try (Socket s = a.socket()) {
                String r = String.format(response, Http.accept(a.request().first("sec-websocket-key")));
                s.getOutputStream().write(Http.bytes(r.endsWith("hi") ? r : r + "\r\n"));
                s.getOutputStream().flush();
                try {
                    WebSocket ws = a.open().get(5, TimeUnit.SECONDS);
                    throw new AssertionError(id + " [" + title + "]: the client opened " + ws);
                } catch (ExecutionException expected) {
                    // refused, as it should
                } catch (TimeoutException e) {
                    throw new AssertionError(id + " [" + title + "]: the client neither opened nor refused within 5 s");
                }
                s.setSoTimeout((int) RawPeer.EOF_BOUND_MS);
                int b;
                try {
                    b = a.in().read();
                } catch (SocketTimeoutException e) {
                    b = -2;
                } catch (IOException e) {
                    b = -1; // reset: closed too
                }
                check(c, b != -2, "the client kept the TCP connection open after refusing the handshake");
                check(c, b == -1, "the client sent bytes after refusing the handshake");
            }
        })));
    }

    private void accepted(List<DynamicNode> t, String id, String title, String response, boolean chopped, boolean withFrame) {
        Case c = new Case(id, title, List.of(), new Case.Expect(List.of(Case.Event.text(Wire.utf8("hello"))),
                Case.Ending.clean()), Catalogue.BOUND, 0);
        t.add(dynamicTest(id + " " + title, recorded(MODE, id, () -> {
            Accepted a = accept(c, options(null));
            Socket s = a.socket();
            byte[] r = Http.bytes(String.format(response, Http.accept(a.request().first("sec-websocket-key"))) + "\r\n");
            byte[] hello = Wire.encode(true, 0, Wire.TEXT, Wire.utf8("hello"), false);
            OutputStream out = s.getOutputStream();
            if (withFrame) {
                r = Wire.concat(r, hello);
            }
            if (chopped) {
                for (byte b : r) {
                    out.write(b);
                    out.flush();
                }
            } else {
                out.write(r);
                out.flush();
            }
            try {
                a.open().get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                s.close();
                throw new AssertionError(id + ": the client did not open: " + e);
            }
            if (!withFrame) {
                out.write(hello);
                out.flush();
            }
            try (RawPeer peer = new RawPeer(s, a.in(), false, null)) {
                peer.play(c);
            }
        })));
    }
}
