package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocketServer;
import dev.duplex.cli.Env;
import dev.duplex.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * What a newcomer gets from {@code duplex serve}: its chat page, opened in headless Chromium
 * (Debian's chromium + chromium-driver, as in {@link ChromiumTest}), is a working chat, over
 * {@code ws://} and over {@code wss://}.
 *
 * <p>The real program runs in this JVM: {@link Main#commandLine(Env)} with {@code serve}, the same
 * routes and the same page as {@code ./duplex serve}, only with a {@link Env.Lifecycle} the test
 * stops (as Ctrl-C would) instead of JVM shutdown hooks.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ChromiumChatPageTest {
    /** How long the page may take to reach a state (it normally takes milliseconds). */
    private static final long WAIT_SECONDS = 30;

    /** What the page renders once the server has gone away: "closed (code 1001: server shutting down)". */
    private static final String CLOSED_1001 = "closed \\(code 1001(: .*)?\\)";

    /** Held so that its level stays set (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    final List<Browser> browsers = new ArrayList<>();
    Serve serve;
    Path tmp;
    Set<Long> before;

    @BeforeEach
    void setUp() throws IOException {
        Peers.require(Peers.CHROMIUM);
        // Selenium warns that it has no CDP bindings for this Chromium; this test does not use them.
        DEVTOOLS.setLevel(Level.SEVERE);
        before = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        tmp = Files.createTempDirectory("duplex-chat-page-");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            for (Browser b : browsers) {
                b.quit();
            }
        } finally {
            try {
                if (serve != null) {
                    serve.close();
                }
            } finally {
                // A chromium or chromedriver this test started and left behind, and only those.
                if (before != null) {
                    ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid()))
                            .forEach(ProcessHandle::destroyForcibly);
                }
                if (tmp != null) {
                    try (Stream<Path> s = Files.walk(tmp)) {
                        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
    }

    @Test
    void twoWindowsChatThroughTheServePageAndSeeTheServerGoAway() throws Exception {
        serve = Serve.start("serve", "--port", "0");
        String page = "http://127.0.0.1:" + serve.port() + "/";

        Browser a = browser("A", List.of());
        a.driver.get(page);
        a.awaitState("open");
        String aJoin = a.await("A's own join line", () -> a.joins().size() == 1 ? a.joins().get(0) : null);

        Browser b = browser("B", List.of());
        b.driver.get(page);
        b.awaitState("open");
        String bJoin = b.await("B's own join line", () -> b.joins().size() == 1 ? b.joins().get(0) : null);

        assertThat(a.driver.findElement(By.id("url")).getText()).isEqualTo("ws://127.0.0.1:" + serve.port() + "/chat");
        assertThat(bJoin).isNotEqualTo(aJoin);
        a.awaitThat("B's join line in A", () -> a.joins().contains(bJoin));
        // The server names each window by its connection: both join lines are its two connections.
        Set<String> connections = serve.server().connections().stream()
                .map(ws -> "* " + name(ws.remoteAddress()) + " joined").collect(Collectors.toSet());
        assertThat(connections).containsExactlyInAnyOrder(aJoin, bJoin);

        // A types and clicks Send; then types and presses Enter; B answers with Enter.
        String m1 = "hello from window A: héllo, € 日本語";
        String m2 = "second message, sent with Enter";
        String m3 = "B here, hi A";
        WebElement inputA = a.driver.findElement(By.id("input"));
        assertThat(inputA.isEnabled()).isTrue();
        assertThat(a.driver.findElement(By.id("send")).isEnabled()).isTrue();
        inputA.sendKeys(m1);
        a.driver.findElement(By.id("send")).click();
        a.awaitThat("the input emptied after Send", () -> "".equals(inputA.getDomProperty("value")));
        inputA.sendKeys(m2 + Keys.ENTER);
        a.awaitThat("the input emptied after Enter", () -> "".equals(inputA.getDomProperty("value")));
        a.awaitThat("A's two messages in A", () -> a.messages().size() >= 2);
        b.awaitThat("A's two messages in B", () -> b.messages().size() >= 2);
        b.driver.findElement(By.id("input")).sendKeys(m3 + Keys.ENTER);
        a.awaitThat("B's message in A", () -> a.messages().size() >= 3);
        b.awaitThat("B's message in B", () -> b.messages().size() >= 3);
        assertThat(a.messages()).as("A's log:\n%s", a.logText()).containsExactly(m1, m2, m3);
        assertThat(b.messages()).as("B's log:\n%s", b.logText()).containsExactly(m1, m2, m3);
        String aName = bare(aJoin);
        String bName = bare(bJoin);
        assertThat(b.senders()).as("who each line in B is from").containsExactly(aName, aName, bName);
        assertThat(b.joins()).as("B joined after A, so sees only its own join").containsExactly(bJoin);

        // A tries to fake a system line: B shows it as a message from A, not as the room's.
        String fake = "* " + bName + " left";
        a.driver.findElement(By.id("input")).sendKeys(fake + Keys.ENTER);
        b.awaitThat("A's fake line in B", () -> b.messages().size() >= 4);
        assertThat(b.messages().get(3)).isEqualTo(fake);
        assertThat(b.senders().get(3)).isEqualTo(aName);
        assertThat(b.log()).doesNotContain(List.of("system", fake));
        a.awaitThat("A's fake line in A", () -> a.messages().size() >= 4);
        a.screenshot("chromium-chat-page-open.png");

        // B clicks Reconnect: its old connection leaves, a new one joins, and B can chat again.
        b.driver.findElement(By.id("reconnect")).click();
        String bLeft = bJoin.replaceFirst(" joined$", " left");
        a.awaitThat("B's old connection leaving, in A", () -> a.log().contains(List.of("system", bLeft)));
        String bJoin2 = a.await("B's new join line in A", () -> a.joins().size() == 3 ? a.joins().get(2) : null);
        assertThat(bJoin2).isNotIn(aJoin, bJoin);
        b.awaitState("open");
        b.awaitThat("B's new join line in B", () -> b.joins().contains(bJoin2));
        String m4 = "B again, after Reconnect";
        b.driver.findElement(By.id("input")).sendKeys(m4 + Keys.ENTER);
        a.awaitThat("B's message after Reconnect in A", () -> a.messages().contains(m4));
        b.awaitThat("B's message after Reconnect in B", () -> b.messages().contains(m4));
        assertThat(a.messages()).containsExactly(m1, m2, m3, fake, m4);
        assertThat(b.log()).as("B's log").noneMatch(l -> l.get(0).equals("error"));

        // The server stops as on Ctrl-C: both pages say closed, with 1001, and can no longer send.
        assertThat(serve.stop()).as("serve's exit status; its stderr: %s", serve.err()).isZero();
        for (Browser w : List.of(a, b)) {
            w.awaitState("closed");
            String status = w.driver.findElement(By.id("status")).getText();
            assertThat(status).as("%s's status", w.name).matches(CLOSED_1001);
            assertThat(w.log()).as("%s's log", w.name).containsOnlyOnce(List.of("error", status))
                    .doesNotContain(List.of("error", "connection error"));
            assertThat(w.driver.findElement(By.id("input")).isEnabled()).isFalse();
            assertThat(w.driver.findElement(By.id("send")).isEnabled()).isFalse();
        }
        a.screenshot("chromium-chat-page-closed.png");
    }

    @Test
    void theServePageChatsOverWssWhenServeHasACertificate() throws Exception {
        Path cert = resource("/tls/cert.pem");
        Path key = resource("/tls/key.pem");
        serve = Serve.start("serve", "--port", "0", "--tls-cert", cert.toString(), "--tls-key", key.toString());
        String origin = "https://localhost:" + serve.port();
        String wsUrl = "wss://localhost:" + serve.port() + "/chat";

        // Trust exactly this certificate's key, not every certificate (--ignore-certificate-errors).
        Browser w = browser("wss", List.of("--ignore-certificate-errors-spki-list=" + spkiSha256(cert)));
        w.driver.get(origin + "/");
        w.awaitState("open");
        assertThat(w.driver.executeScript("return window.location.protocol")).isEqualTo("https:");
        assertThat(w.driver.executeScript("return window.isSecureContext")).isEqualTo(true);
        assertThat(w.driver.findElement(By.id("url")).getText()).isEqualTo(wsUrl);
        assertThat(w.log()).contains(List.of("info", "connecting to " + wsUrl), List.of("info", "connected"));
        String join = w.await("the join line", () -> w.joins().size() == 1 ? w.joins().get(0) : null);
        assertThat(serve.server().connections()).hasSize(1);
        assertThat(join).isEqualTo("* " + name(serve.server().connections().get(0).remoteAddress()) + " joined");

        String m = "over wss: héllo € 日本語";
        w.driver.findElement(By.id("input")).sendKeys(m);
        w.driver.findElement(By.id("send")).click();
        w.awaitThat("the message back", () -> !w.messages().isEmpty());
        assertThat(w.messages()).as("log:\n%s", w.logText()).containsExactly(m);

        // Chromium's own record (DevTools network events), not the page's: a wss:// WebSocket, 101.
        List<Map<String, Object>> events = w.networkEvents();
        assertThat(events).as("Network.webSocket* events").anySatisfy(e -> {
            assertThat(e).containsEntry("method", "Network.webSocketCreated");
            assertThat(params(e)).containsEntry("url", wsUrl);
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e).containsEntry("method", "Network.webSocketHandshakeResponseReceived");
            assertThat(((Map<?, ?>) params(e).get("response")).get("status")).isEqualTo(101L);
        });
        w.screenshot("chromium-chat-page-wss.png");

        assertThat(serve.stop()).isZero();
        w.awaitState("closed");
        assertThat(w.driver.findElement(By.id("status")).getText()).matches(CLOSED_1001);
    }

    // ---------------------------------------------------------------------------------------------

    /** "127.0.0.1:PORT" from "* 127.0.0.1:PORT joined". */
    private static String bare(String joinLine) {
        return joinLine.substring(2, joinLine.length() - " joined".length());
    }

    /** A headless Chromium with its own chromedriver and its own throw-away profile. */
    Browser browser(String name, List<String> extraArgs) throws IOException {
        Path profile = Files.createTempDirectory(tmp, "profile-" + name + "-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(Peers.chromedriver())).usingAnyFreePort().build();
        Browser b = new Browser(name, service);
        browsers.add(b); // quit in tearDown whatever happens next
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Peers.chromium());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1000,760", "--user-data-dir=" + profile);
        options.addArguments(extraArgs);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        b.driver = new ChromeDriver(service, options);
        return b;
    }

    static final class Browser {
        final String name;
        final ChromeDriverService service;
        ChromeDriver driver;

        Browser(String name, ChromeDriverService service) {
            this.name = name;
            this.service = service;
        }

        /** #status's data-state: connecting, open or closed. */
        String state() {
            return driver.findElement(By.id("status")).getDomAttribute("data-state");
        }

        void awaitState(String state) throws InterruptedException {
            awaitThat("#status data-state=" + state, () -> state.equals(state()));
        }

        /** The lines of #log as [class, text], without the time each starts with. */
        @SuppressWarnings("unchecked")
        List<List<String>> log() {
            Object lines = driver.executeScript("return Array.from(document.querySelectorAll('#log li')).map("
                    + "li => [li.className, li.lastChild && li.lastChild.nodeType === 3 ? li.lastChild.textContent : '']);");
            return (List<List<String>>) lines;
        }

        String logText() {
            return log().stream().map(l -> (l.get(0).isEmpty() ? "" : "[" + l.get(0) + "] ") + l.get(1))
                    .collect(Collectors.joining("\n"));
        }

        /** The chat messages (lines with no class), in order. */
        List<String> messages() {
            return log().stream().filter(l -> l.get(0).isEmpty()).map(l -> l.get(1)).collect(Collectors.toList());
        }

        /** Whom each chat message is from, as the page shows it, in order. */
        List<String> senders() {
            Object from = driver.executeScript("return Array.from(document.querySelectorAll('#log li')).filter("
                    + "li => li.className === '').map(li => li.dataset.from || '');");
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) from;
            return list;
        }

        /** The "* 127.0.0.1:PORT joined" lines, in order. */
        List<String> joins() {
            return log().stream().filter(l -> l.get(0).equals("system") && l.get(1).endsWith(" joined"))
                    .map(l -> l.get(1)).collect(Collectors.toList());
        }

        /** Chromium's DevTools Network.webSocket* events so far, each {method, params}. */
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> networkEvents() {
            List<Map<String, Object>> events = new ArrayList<>();
            for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
                if (e.getMessage().contains("Network.webSocket")) {
                    events.add((Map<String, Object>) Json.parseObject(e.getMessage()).get("message"));
                }
            }
            return events;
        }

        void awaitThat(String what, BooleanSupplier condition) throws InterruptedException {
            await(what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
        }

        /** Polls until {@code probe} gives non-null; fails with the page's state and log if it does not. */
        <T> T await(String what, java.util.function.Supplier<T> probe) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                T t;
                try {
                    t = probe.get();
                } catch (NoSuchElementException e) {
                    t = null; // not the chat page (yet): a certificate warning, an error page...
                }
                if (t != null) {
                    return t;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("window " + name + ": no " + what + " after " + WAIT_SECONDS
                            + " s; #status " + describeStatus() + "; #log:\n" + describeLog());
                }
                Thread.sleep(50);
            }
        }

        private String describeStatus() {
            try {
                return "data-state=" + state() + " '" + driver.findElement(By.id("status")).getText() + "'";
            } catch (RuntimeException e) {
                return "unreadable (" + e.getMessage().lines().findFirst().orElse("") + "), page title '"
                        + driver.getTitle() + "' at " + driver.getCurrentUrl();
            }
        }

        private String describeLog() {
            try {
                return logText();
            } catch (RuntimeException e) {
                return "unreadable";
            }
        }

        /** For the record, next to the build's other output (not asserted). */
        void screenshot(String file) {
            try {
                Path dir = buildDir();
                Files.write(dir.resolve(file), driver.getScreenshotAs(OutputType.BYTES));
            } catch (IOException | RuntimeException | URISyntaxException e) {
                System.err.println("could not save screenshot " + file + ": " + e);
            }
        }

        void quit() {
            try {
                if (driver != null) {
                    driver.quit();
                }
            } catch (RuntimeException e) {
                System.err.println("window " + name + " did not quit cleanly: " + e);
            } finally {
                service.stop();
            }
        }
    }

    /** {@code duplex serve ARGS} on its own thread, as the program runs it, until {@link #stop()}. */
    static final class Serve {
        final CompletableFuture<WebSocketServer> started = new CompletableFuture<>();
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CountDownLatch stopRequested = new CountDownLatch(1);

        static Serve start(String... args) throws Exception {
            Serve s = new Serve();
            Env env = new Env(InputStream.nullInputStream(), new PrintStream(s.out, true, StandardCharsets.UTF_8),
                    new PrintStream(s.err, true, StandardCharsets.UTF_8), false, new Env.Lifecycle() {
                        @Override
                        public void serve(WebSocketServer server, Runnable stop) throws InterruptedException {
                            s.started.complete(server);
                            s.stopRequested.await();
                            stop.run();
                        }

                        @Override
                        public void onInterrupt(Runnable action) {
                        }
                    });
            Thread t = new Thread(() -> {
                try {
                    s.exit.complete(Main.commandLine(env).execute(args));
                } catch (Throwable e) {
                    s.exit.completeExceptionally(e);
                }
            }, "duplex-serve-under-test");
            t.setDaemon(true);
            t.start();
            CompletableFuture.anyOf(s.started, s.exit).get(20, TimeUnit.SECONDS);
            if (!s.started.isDone()) {
                throw new AssertionError("duplex serve exited with " + s.exit.join() + " before listening: " + s.err());
            }
            return s;
        }

        WebSocketServer server() {
            return started.join();
        }

        int port() {
            return server().port();
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        /** Stops as Ctrl-C would (every connection closed with 1001); serve's exit status. */
        int stop() throws Exception {
            stopRequested.countDown();
            return exit.get(20, TimeUnit.SECONDS);
        }

        void close() throws Exception {
            if (!exit.isDone()) {
                stop();
            }
        }
    }

    /** How the chat names a connection: "127.0.0.1:53412". */
    static String name(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> params(Map<String, Object> event) {
        return (Map<String, Object>) event.get("params");
    }

    /** Base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants it. */
    static String spkiSha256(Path pem) throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(pem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        byte[] spki = cert.getPublicKey().getEncoded(); // X.509 SubjectPublicKeyInfo, DER
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    }

    /** A test resource copied to a file, since serve takes file paths. */
    Path resource(String name) throws IOException {
        Path file = tmp.resolve(name.substring(name.lastIndexOf('/') + 1));
        try (InputStream in = getClass().getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    /** The module's build directory (target/, or ${duplex.target}): where test-classes is. */
    static Path buildDir() throws URISyntaxException {
        return Path.of(ChromiumChatPageTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
    }
}
