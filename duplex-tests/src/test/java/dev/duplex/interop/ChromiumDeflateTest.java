package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Headless Chromium (offers permessage-deflate by default) against our server with compression on:
 * the page checks {@code ws.extensions}, sends text and binary, small and large (1 MiB of JSON-like
 * text, 1 MiB of random bytes), and checks the echoes; our server checks what it agreed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ChromiumDeflateTest {
    static final String PAGE = """
            <!doctype html><html><head><meta charset="utf-8"><title>deflate</title></head><body>
            <pre id="log"></pre><div id="status">running</div>
            <script>
            const results = {};
            const log = (s) => { document.getElementById('log').textContent += s + '\\n'; };
            const done = (status) => {
              results.status = status;
              document.getElementById('status').setAttribute('data-results', JSON.stringify(results));
              document.getElementById('status').textContent = status;
            };
            function json(size) {
              const items = []; let n = 2;
              for (let i = 0; n < size; i++) {
                const s = JSON.stringify({ id: i, user: 'user' + (i % 97), text: 'message ' + i + ' from chromium é€ 𝄞', ts: 1700000000000 + i * 731 });
                items.push(s); n += new TextEncoder().encode(s).length + 1;
              }
              return '[' + items.join(',') + ']';
            }
            function random(n) { const b = new Uint8Array(n); for (let o = 0; o < n; o += 65536) crypto.getRandomValues(b.subarray(o, Math.min(n, o + 65536))); return b; }
            function pattern(n) { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff; return b; }
            function same(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }
            const expected = ['hi', '', json(300), json(100000), json(1 << 20), pattern(100), random(3000), random(1 << 20), pattern(1 << 20), new Uint8Array(0)];
            for (let i = 0; i < 20; i++) expected.push(json(300 + 50 * i));
            const ws = new WebSocket('ws://' + location.host + '/echo');
            ws.binaryType = 'arraybuffer';
            let step = 0;
            ws.onopen = () => {
              results.open = true;
              results.extensions = ws.extensions;
              log('open, extensions: ' + ws.extensions);
              for (const m of expected) ws.send(m);
            };
            ws.onmessage = (m) => {
              const want = expected[step];
              let ok;
              if (typeof m.data === 'string') ok = m.data === want;
              else ok = want instanceof Uint8Array && same(new Uint8Array(m.data), want);
              if (!ok) { results['mismatch' + step] = true; log('mismatch at ' + step); }
              step++;
              if (step === expected.length) { results.echoed = step; ws.close(1000, 'done'); }
            };
            ws.onclose = (e) => { results.closeCode = e.code; results.wasClean = e.wasClean; results.echoedAtClose = step; done('done'); };
            ws.onerror = () => { log('error'); results.error = true; };
            </script></body></html>
            """;

    WebSocketServer server;
    HeadlessChromium browser;
    ChromeDriver driver;
    final BlockingQueue<String> serverSaw = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.stop(Duration.ofSeconds(1));
            }
        }
    }

    /** @param serverContext whether our server keeps its compression window (serverNoContextTakeover(false)) */
    @ParameterizedTest(name = "server context takeover {0}")
    @ValueSource(booleans = {false, true})
    void chromiumNegotiatesDeflateWithOurServer(boolean serverContext) throws Exception {
        Peers.require(Peers.CHROMIUM);
        WebSocketServer.Builder b = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1)
                .maxMessageSize(4 << 20).page("/", "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8))
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        serverSaw.add("extensions " + ws.extensions());
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        ws.sendBinary(data);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
                        serverSaw.add("close " + code);
                    }
                });
        if (serverContext) {
            b.extension(PerMessageDeflate.builder().serverNoContextTakeover(false).build());
        }
        server = b.build().start();
        browser = HeadlessChromium.start();
        driver = browser.driver();
        driver.get("http://127.0.0.1:" + server.port() + "/");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String status;
        while (!(status = driver.findElement(By.id("status")).getText()).equals("done")) {
            assertThat(System.nanoTime()).as("page still '%s'; log: %s", status, driver.findElement(By.id("log")).getText())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        Map<String, Object> results = Json.parseObject(driver.findElement(By.id("status")).getAttribute("data-results"));
        String log = driver.findElement(By.id("log")).getText();
        assertThat(results).as("page results; log:\n%s", log)
                .containsEntry("open", true)
                .containsEntry("echoed", 30L)
                .containsEntry("closeCode", 1000L)
                .containsEntry("wasClean", true)
                .doesNotContainKey("error");
        assertThat(results.keySet()).as("mismatches").noneMatch(k -> k.startsWith("mismatch"));
        String agreed = (String) results.get("extensions");
        assertThat(DeflateInterop.params(agreed)).as("ws.extensions in Chromium: %s", agreed)
                .isEqualTo(DeflateInterop.params(serverContext ? "permessage-deflate" : "permessage-deflate; server_no_context_takeover"));
        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("extensions [permessage-deflate]");
        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("close 1000");
    }
}
