package dev.duplex.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the peers the interop tests talk to, and decides what happens when one is missing: the
 * test is skipped with a message saying what is missing, unless {@code DUPLEX_REQUIRE_PEERS=1}
 * (or {@code -Dduplex.requirePeers=true}), when it fails instead. {@code .ci/install-peers}
 * installs every peer.
 *
 * <p>Where the peers are can be changed with system properties: {@code duplex.node},
 * {@code duplex.python}, {@code duplex.chromium}, {@code duplex.chromedriver},
 * {@code duplex.haproxy}, {@code duplex.redisServer}.
 */
public final class Peers {
    public static final String NODE_WS = "node ws";
    public static final String PYTHON_WEBSOCKETS = "python3-websockets";
    public static final String CHROMIUM = "chromium";
    /** The load balancer of the cluster tests (Debian: haproxy). */
    public static final String HAPROXY = "haproxy";
    /** The Redis of the cluster tests (Debian: redis-server); each test starts its own. */
    public static final String REDIS = "redis-server";

    private static final Map<String, String> PROBED = new ConcurrentHashMap<>(); // peer -> "" if present, else why not

    private Peers() {}

    /** Skips (or, when peers are required, fails) the calling test unless {@code peer} is usable. */
    public static void require(String peer) {
        String missing = PROBED.computeIfAbsent(peer, Peers::probe);
        if (missing.isEmpty()) {
            return;
        }
        String message = "interop peer '" + peer + "' is missing: " + missing
                + ". Run .ci/install-peers (as root) to install it.";
        if (required()) {
            fail(message + " DUPLEX_REQUIRE_PEERS=1 is set, so this is a failure, not a skip.");
        }
        Assumptions.abort(message + " Skipping (set DUPLEX_REQUIRE_PEERS=1 to make this fail).");
    }

    /** Whether missing peers fail the tests rather than skip them. */
    public static boolean required() {
        return "1".equals(System.getenv("DUPLEX_REQUIRE_PEERS"))
                || Boolean.parseBoolean(System.getProperty("duplex.requirePeers", "false"));
    }

    public static String node() {
        return System.getProperty("duplex.node", "node");
    }

    public static String python() {
        return System.getProperty("duplex.python", "/usr/bin/python3");
    }

    public static String chromium() {
        return System.getProperty("duplex.chromium", "/usr/bin/chromium");
    }

    public static String chromedriver() {
        return System.getProperty("duplex.chromedriver", "/usr/bin/chromedriver");
    }

    public static String haproxy() {
        return System.getProperty("duplex.haproxy", "haproxy");
    }

    public static String redisServer() {
        return System.getProperty("duplex.redisServer", "redis-server");
    }

    /** The duplex-tests folder (scripts live under src/test, node_modules beside the pom). */
    public static Path testsDir() {
        return Path.of(System.getProperty("duplex.tests.dir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    public static Path script(String relative) {
        return testsDir().resolve("src/test").resolve(relative);
    }

    private static String probe(String peer) {
        switch (peer) {
            case NODE_WS: {
                String node = run(List.of(node(), "--version"));
                if (node == null) {
                    return "no Node.js at '" + node() + "' (Debian: nodejs)";
                }
                String ws = run(List.of(node(), "-e", "process.stdout.write(require('ws/package.json').version)"));
                return ws == null ? "Node " + node.trim() + " is there but the npm module 'ws' is not installed in "
                        + testsDir() + "/node_modules (npm ci there)" : "";
            }
            case PYTHON_WEBSOCKETS: {
                String py = run(List.of(python(), "--version"));
                if (py == null) {
                    return "no Python at '" + python() + "'";
                }
                String ws = run(List.of(python(), "-c", "import websockets, sys; sys.stdout.write(websockets.__version__)"));
                return ws == null ? py.trim() + " at " + python() + " has no 'websockets' module (Debian: python3-websockets)" : "";
            }
            case CHROMIUM: {
                if (!Files.isExecutable(Path.of(chromium()))) {
                    return "no Chromium at " + chromium() + " (Debian: chromium)";
                }
                if (!Files.isExecutable(Path.of(chromedriver()))) {
                    return "no chromedriver at " + chromedriver() + " (Debian: chromium-driver)";
                }
                return "";
            }
            case HAPROXY:
                return run(List.of(haproxy(), "-v")) == null ? "no haproxy at '" + haproxy() + "' (Debian: haproxy)" : "";
            case REDIS:
                return run(List.of(redisServer(), "--version")) == null
                        ? "no redis-server at '" + redisServer() + "' (Debian: redis-server)" : "";
            default:
                throw new IllegalArgumentException("unknown peer " + peer);
        }
    }

    /** The version string a peer reports, for logs; null if it cannot tell. */
    public static String version(String peer) {
        switch (peer) {
            case NODE_WS:
                return run(List.of(node(), "-e",
                        "process.stdout.write('node ' + process.version + ', ws ' + require('ws/package.json').version)"));
            case PYTHON_WEBSOCKETS:
                return run(List.of(python(), "-c",
                        "import websockets, sys; sys.stdout.write('python ' + sys.version.split()[0] + ', websockets ' + websockets.__version__)"));
            case CHROMIUM:
                return run(List.of(chromium(), "--version"));
            case HAPROXY: {
                String v = run(List.of(haproxy(), "-v"));
                return v == null ? null : v.lines().findFirst().orElse(v);
            }
            case REDIS:
                return run(List.of(redisServer(), "--version"));
            default:
                return null;
        }
    }

    /** Runs a short command in the tests folder; its stdout, or null if it could not run or failed. */
    static String run(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(testsDir().toFile()).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            p.destroyForcibly();
        }
    }
}
