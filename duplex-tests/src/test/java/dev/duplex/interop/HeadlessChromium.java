package dev.duplex.interop;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium through Selenium with the driver path set (so Selenium Manager
 * downloads nothing), a fresh profile, and the flags this sandbox needs (no background
 * networking: its connections would be refused). Closing it quits the browser, stops the driver,
 * kills anything it started and left behind, and deletes the profile.
 */
final class HeadlessChromium implements AutoCloseable {
    // Selenium warns that it has no CDP bindings for this Chromium; these tests do not use CDP.
    // Held in a field: a logger nobody references can be collected and forget its level.
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Set<Long> before;
    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(String... extraArgs) throws IOException {
        before = ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        profile = Files.createTempDirectory("duplex-chromium-");
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(Peers.chromedriver()))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Peers.chromium());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        options.addArguments(extraArgs);
        driver = new ChromeDriver(service, options);
    }

    /** Starts a browser; the caller has checked {@code Peers.require(Peers.CHROMIUM)}. */
    static HeadlessChromium start(String... extraArgs) throws IOException {
        return new HeadlessChromium(extraArgs);
    }

    ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            // Anything this browser started and left behind (a stray chromium), and only that.
            ProcessHandle.current().descendants().filter(p -> !before.contains(p.pid()))
                    .forEach(ProcessHandle::destroyForcibly);
            try (Stream<Path> s = Files.walk(profile)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
