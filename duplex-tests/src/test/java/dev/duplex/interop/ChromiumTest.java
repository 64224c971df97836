package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.WebSocketServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Headless Chromium (Debian's chromium + chromium-driver, through Selenium with the driver path set,
 * so Selenium Manager downloads nothing) loads a page from our server and talks to its echo route.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChromiumTest {
    WebSocketServer server;
    HeadlessChromium browser;
    ChromeDriver driver;
    final BlockingQueue<String> serverSaw = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws IOException {
        Peers.require(Peers.CHROMIUM);
        byte[] page;
        try (InputStream in = getClass().getResourceAsStream("/browser/interop.html")) {
            page = in.readAllBytes();
        }
        server = WebSocketServer.builder().host("127.0.0.1").port(0).eventLoops(1).maxMessageSize(4 << 20)
                .page("/", "text/html; charset=utf-8", page)
                .route("/echo", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        serverSaw.add("text " + text);
                        ws.sendText(text);
                    }

                    @Override
                    public void onBinary(WebSocket ws, ByteBuffer data) {
                        serverSaw.add("binary " + data.remaining());
                        ws.sendBinary(data);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
                        serverSaw.add("close " + code + " " + reason + " " + closedByPeer);
                    }
                })
                .build().start();
    }

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

    @Test
    void chromiumTalksToOurServer() throws Exception {
        browser = HeadlessChromium.start();
        driver = browser.driver();
        driver.get("http://127.0.0.1:" + server.port() + "/");

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String status;
        while (!(status = driver.findElement(By.id("status")).getText()).equals("done")) {
            assertThat(System.nanoTime()).as("page still '%s' after 60 s; log: %s", status,
                    driver.findElement(By.id("log")).getText()).isLessThan(deadline);
            Thread.sleep(100);
        }
        Map<String, Object> results = Json.parseObject(driver.findElement(By.id("status")).getAttribute("data-results"));
        String log = driver.findElement(By.id("log")).getText();
        assertThat(results).as("results in the DOM; page log:\n%s", log)
                .containsEntry("open", true)
                .containsEntry("echo0", true)   // text with 2-, 3- and 4-byte UTF-8
                .containsEntry("echo1", true)   // 256 bytes of binary
                .containsEntry("echo2", true)   // 1 MiB of binary
                .containsEntry("echo3", true)   // an empty text
                .containsEntry("closeCode", 4001L)
                .containsEntry("wasClean", true)
                .doesNotContainKey("error");

        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("text hello from Chromium: é € 𝄞 日本語");
        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("binary 256");
        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("binary " + (1 << 20));
        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("text ");
        assertThat(serverSaw.poll(10, TimeUnit.SECONDS)).isEqualTo("close 4001 browser is done ✓ true");
    }
}
