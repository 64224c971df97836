package dev.duplex.conformance;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * Server mode: the harness is a raw-socket client against an in-process {@link WebSocketServer}
 * set up like {@code duplex serve}'s {@code /echo} (echoes text as text and binary as binary, 16 MiB
 * messages, permessage-deflate accepted). A second server keeps its compression context between
 * messages ({@code server_no_context_takeover} not forced) for the group 10 combinations that need it.
 */
@ExtendWith(ConformanceReport.Extension.class)
class ServerConformanceTest {
    static final String MODE = "server";

    /** A group 10 combination: what the harness offers, and to which server. */
    record Combo(String name, String offer, boolean takeoverServer) {}

    static final List<Combo> COMBOS = List.of(
            new Combo("offer permessage-deflate", "permessage-deflate", false),
            new Combo("offer client_no_context_takeover", "permessage-deflate; client_no_context_takeover", false),
            new Combo("offer server_no_context_takeover", "permessage-deflate; server_no_context_takeover", false),
            new Combo("offer server_max_window_bits=15", "permessage-deflate; server_max_window_bits=15", false),
            new Combo("offer client_max_window_bits", "permessage-deflate; client_max_window_bits", false),
            new Combo("context-takeover server, offer permessage-deflate", "permessage-deflate", true),
            new Combo("context-takeover server, offer client_no_context_takeover; client_max_window_bits",
                    "permessage-deflate; client_no_context_takeover; client_max_window_bits", true));

    static WebSocketServer server;
    static WebSocketServer takeoverServer;

    /** An echo that copies what it sends back (the client-mode harness echoes with it too). */
    static class Echo implements WebSocketHandler {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.sendText(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ByteBuffer c = ByteBuffer.allocate(data.remaining());
            c.put(data.duplicate()).flip();
            ws.sendBinary(c);
        }
    }

    @BeforeAll
    static void start() {
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .maxMessageSize(Catalogue.MAX_MESSAGE).route("/echo", new Echo()).build().start();
        takeoverServer = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(2)
                .maxMessageSize(Catalogue.MAX_MESSAGE).route("/echo", new Echo())
                .extension(PerMessageDeflate.builder().serverNoContextTakeover(false).clientNoContextTakeover(true)
                        .threshold(0).build())
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(1));
        }
        if (takeoverServer != null) {
            takeoverServer.stop(Duration.ofSeconds(1));
        }
    }

    @TestFactory
    Stream<DynamicNode> catalogue() {
        List<Case> cases = Catalogue.build(true, COMBOS.stream().map(Combo::name).toList());
        return grouped(cases, c -> () -> run(c), MODE);
    }

    @TestFactory
    Stream<DynamicNode> handshake() {
        return Stream.of(dynamicContainer("9 Opening handshake", handshakeCases().stream()));
    }

    /** Cases as one container per group, each case a test named by its id. */
    static Stream<DynamicNode> grouped(List<Case> cases, Function<Case, Executable> body, String mode) {
        String only = System.getProperty("conformance.only", "");
        Map<String, List<Case>> byGroup = cases.stream()
                .filter(c -> only.isEmpty() || Arrays.stream(only.split(",")).anyMatch(p -> c.id().equals(p) || c.id().startsWith(p + ".")))
                .collect(Collectors.groupingBy(Case::group, LinkedHashMap::new, Collectors.toList()));
        return byGroup.entrySet().stream().map(e -> dynamicContainer(
                e.getKey() + " " + ConformanceReport.GROUPS.get(e.getKey()),
                e.getValue().stream().map(c -> dynamicTest(c.displayName(), recorded(mode, c.id(), body.apply(c))))));
    }

    static Executable recorded(String mode, String id, Executable body) {
        return () -> {
            long t = System.nanoTime();
            boolean ok = false;
            try {
                body.execute();
                ok = true;
            } finally {
                ConformanceReport.INSTANCE.record(mode, id, ok, System.nanoTime() - t);
            }
        };
    }

    // ------------------------------------------------------------------ frames

    private static void run(Case c) throws IOException {
        Combo combo = c.combo() == 0 ? null : COMBOS.get(c.combo() - 1);
        int port = combo != null && combo.takeoverServer() ? takeoverServer.port() : server.port();
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(0);
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        String key = Http.newKey();
        String req = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + (combo != null ? "Sec-WebSocket-Extensions: " + combo.offer() + "\r\n" : "") + "\r\n";
        OutputStream out = s.getOutputStream();
        out.write(Http.bytes(req));
        out.flush();
        HarnessDeflate deflate = null;
        try {
            Http.Head h = Http.readHead(in);
            check(c, h != null, "no handshake response");
            check(c, h.status() == 101, "handshake answered " + h.startLine());
            check(c, h.hasToken("upgrade", "websocket"), "no Upgrade: websocket in " + h.headers());
            check(c, h.hasToken("connection", "upgrade"), "no Connection: Upgrade in " + h.headers());
            check(c, Http.accept(key).equals(h.first("sec-websocket-accept")), "wrong Sec-WebSocket-Accept");
            List<String> ext = h.all("sec-websocket-extensions");
            if (combo == null) {
                check(c, ext.isEmpty(), "extensions answered though none offered: " + ext);
            } else {
                check(c, ext.size() == 1 && !ext.get(0).contains(","), "expected one permessage-deflate answer, got " + ext);
                String element = ext.get(0);
                check(c, element.split(";")[0].trim().equalsIgnoreCase("permessage-deflate"), "answered " + element);
                Map<String, String> p = HarnessDeflate.params(element);
                Map<String, String> offered = HarnessDeflate.params(combo.offer());
                for (String name : p.keySet()) {
                    check(c, Set.of("server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits",
                            "client_max_window_bits").contains(name), "unknown parameter in " + element);
                }
                if (offered.containsKey("server_no_context_takeover")) {
                    check(c, p.containsKey("server_no_context_takeover"), "offered server_no_context_takeover, answered " + element);
                }
                if (p.containsKey("client_max_window_bits")) {
                    check(c, offered.containsKey("client_max_window_bits"), "client_max_window_bits answered, not offered");
                    int bits = Integer.parseInt(p.get("client_max_window_bits"));
                    check(c, bits == 15, "client_max_window_bits=" + bits + ": the harness (java.util.zip) can only do 15");
                }
                if (p.containsKey("server_max_window_bits")) {
                    int bits = Integer.parseInt(p.get("server_max_window_bits"));
                    check(c, bits >= 8 && bits <= 15, "server_max_window_bits=" + bits);
                }
                deflate = HarnessDeflate.asClient(p);
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        try (RawPeer peer = new RawPeer(s, in, true, deflate)) {
            peer.play(c);
        }
    }

    static void check(Case c, boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(c.id() + " [" + c.title() + "]: handshake: " + what);
        }
    }

    // ------------------------------------------------------------------ 9 opening handshake

    private static String req(String path, String... headers) {
        StringBuilder s = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    private static final String UPGRADE = "Upgrade: websocket";
    private static final String CONNECTION = "Connection: Upgrade";
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";
    private static final String VERSION = "Sec-WebSocket-Version: 13";

    private List<DynamicNode> handshakeCases() {
        List<DynamicNode> t = new ArrayList<>();
        hs(t, "9.1", "valid handshake: 101 with the RFC's accept value", req("/echo", UPGRADE, CONNECTION, KEY, VERSION), 101,
                h -> "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".equals(h.first("sec-websocket-accept")) ? null : "accept " + h.first("sec-websocket-accept"),
                false, 1);
        hs(t, "9.2", "valid handshake in 1-byte writes", req("/echo", UPGRADE, CONNECTION, KEY, VERSION), 101, h -> null, false, 1);
        hs(t, "9.3", "no Sec-WebSocket-Key: 400", req("/echo", UPGRADE, CONNECTION, VERSION), 400, h -> null, true, 0);
        hs(t, "9.4", "a key that is not 16 bytes in base64: 400",
                req("/echo", UPGRADE, CONNECTION, "Sec-WebSocket-Key: c2hvcnQ=", VERSION), 400, h -> null, true, 0);
        hs(t, "9.5", "Sec-WebSocket-Version 8: 426 with Sec-WebSocket-Version: 13",
                req("/echo", UPGRADE, CONNECTION, KEY, "Sec-WebSocket-Version: 8"), 426,
                h -> h.hasToken("sec-websocket-version", "13") ? null : "no Sec-WebSocket-Version: 13 in " + h.headers(), true, 0);
        hs(t, "9.6", "no Sec-WebSocket-Version: 400 or 426 with the version",
                req("/echo", UPGRADE, CONNECTION, KEY), -1,
                h -> h.status() == 400 || h.status() == 426 && h.hasToken("sec-websocket-version", "13") ? null
                        : "answered " + h.startLine(), true, 0);
        hs(t, "9.7", "Upgrade: websocket without Connection: Upgrade: 400",
                req("/echo", UPGRADE, "Connection: keep-alive", KEY, VERSION), 400, h -> null, true, 0);
        hs(t, "9.8", "an Origin the policy refuses: 403",
                req("/echo", UPGRADE, CONNECTION, KEY, VERSION, "Origin: http://evil.example"), 403, h -> null, true, 0);
        hs(t, "9.9", "a head over 8 KiB: 431",
                req("/echo", UPGRADE, CONNECTION, KEY, VERSION, "X-Big: " + "a".repeat(9000)), 431, h -> null, true, 0);
        String[] many = new String[110];
        for (int i = 0; i < many.length; i++) {
            many[i] = "X-H" + i + ": v";
        }
        hs(t, "9.10", "more than 100 header lines: 431", req("/echo", many), 431, h -> null, true, 0);
        hs(t, "9.11", "a plain GET on the WebSocket route: 426 naming websocket", req("/echo"), 426,
                h -> h.hasToken("upgrade", "websocket") ? null : "no Upgrade: websocket in " + h.headers(), true, 0);
        hs(t, "9.12", "POST with WebSocket headers: 405 with Allow: GET",
                "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE + "\r\n" + CONNECTION + "\r\n" + KEY + "\r\n" + VERSION
                        + "\r\nContent-Length: 0\r\n\r\n", 405,
                h -> h.hasToken("allow", "GET") ? null : "no Allow: GET", true, 0);
        hs(t, "9.13", "a malformed request line: 400", "GET\r\nHost: 127.0.0.1\r\n\r\n", 400, h -> null, true, 0);
        hs(t, "9.14", "HTTP/1.0 upgrade request: 400",
                "GET /echo HTTP/1.0\r\nHost: 127.0.0.1\r\n" + UPGRADE + "\r\n" + CONNECTION + "\r\n" + KEY + "\r\n" + VERSION + "\r\n\r\n",
                400, h -> null, true, 0);
        hs(t, "9.15", "an unknown path: 404", req("/nowhere", UPGRADE, CONNECTION, KEY, VERSION), 404, h -> null, true, 0);
        hs(t, "9.16", "a frame in the same write as the handshake is echoed",
                req("/echo", UPGRADE, CONNECTION, KEY, VERSION), 101, h -> null, false, 2);
        hs(t, "9.17", "an unknown extension offered is ignored (no Sec-WebSocket-Extensions answered)",
                req("/echo", UPGRADE, CONNECTION, KEY, VERSION, "Sec-WebSocket-Extensions: x-unknown; a=1"), 101,
                h -> h.all("sec-websocket-extensions").isEmpty() ? null : "answered " + h.all("sec-websocket-extensions"), false, 1);
        hs(t, "9.18", "permessage-deflate with a bad parameter, then a good offer: the second is accepted",
                req("/echo", UPGRADE, CONNECTION, KEY, VERSION,
                        "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99, permessage-deflate"), 101,
                h -> h.all("sec-websocket-extensions").size() == 1
                        && HarnessDeflate.params(h.first("sec-websocket-extensions")).get("server_max_window_bits") == null
                        ? null : "answered " + h.all("sec-websocket-extensions"), false, 1);
        hs(t, "9.19", "header names in odd case and values with extra spaces",
                req("/echo", "UPGRADE:   WebSocket  ", "connection: keep-alive, upgrade", "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==",
                        "SEC-WEBSOCKET-VERSION: 13"), 101, h -> null, false, 1);
        return t;
    }

    /**
     * One handshake case: send {@code request} (1-byte writes for 9.2), expect {@code status}
     * ({@code -1}: left to {@code extra}), then either the connection closed by the server
     * ({@code rejected}) or a working WebSocket (mode 1: echo a text; 2: the text rides with the request).
     */
    private void hs(List<DynamicNode> t, String id, String title, String request, int status,
            Function<Http.Head, String> extra, boolean rejected, int frames) {
        Case c = new Case(id, title, List.of(), null, Catalogue.BOUND, 0);
        t.add(dynamicTest(id + " " + title, recorded(MODE, id, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                s.setSoTimeout(5000);
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                byte[] r = Http.bytes(request);
                byte[] hello = Wire.encode(true, 0, Wire.TEXT, Wire.utf8("hello"), true);
                if (frames == 2) {
                    r = Wire.concat(r, hello);
                }
                if (id.equals("9.2")) {
                    for (byte b : r) {
                        out.write(b);
                        out.flush();
                    }
                } else {
                    out.write(r);
                    out.flush();
                }
                InputStream in = new BufferedInputStream(s.getInputStream());
                Http.Head h = Http.readHead(in);
                check(c, h != null, "no response");
                check(c, status < 0 || h.status() == status, "expected " + status + ", got " + h.startLine());
                String bad = extra.apply(h);
                check(c, bad == null, bad);
                if (rejected) {
                    String len = h.first("content-length");
                    if (len != null) {
                        check(c, in.readNBytes(Integer.parseInt(len)).length == Integer.parseInt(len), "short body");
                    }
                    long deadline = System.currentTimeMillis() + RawPeer.EOF_BOUND_MS;
                    s.setSoTimeout((int) RawPeer.EOF_BOUND_MS);
                    int b;
                    try {
                        b = in.read();
                    } catch (java.net.SocketTimeoutException e) {
                        b = -2;
                    }
                    check(c, b == -1, b == -2 ? "the server kept the connection open after refusing"
                            : "bytes after the response");
                    check(c, System.currentTimeMillis() <= deadline + 100, "slow close");
                } else {
                    check(c, Http.accept(h.first("sec-websocket-key") != null ? "" : "dGhlIHNhbXBsZSBub25jZQ==")
                            .equals(h.first("sec-websocket-accept")), "wrong accept");
                    if (frames == 1) {
                        out.write(hello);
                        out.flush();
                    }
                    s.setSoTimeout(0);
                    Case echo = new Case(id, title, List.of(), new Case.Expect(List.of(Case.Event.text(Wire.utf8("hello"))),
                            Case.Ending.clean()), Catalogue.BOUND, 0);
                    try (RawPeer peer = new RawPeer(s, in, true, null)) {
                        peer.play(echo);
                    }
                }
            }
        })));
    }
}
