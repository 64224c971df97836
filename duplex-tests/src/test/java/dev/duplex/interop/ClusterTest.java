package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketClient;
import dev.duplex.WebSocketHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The cluster layer: scale-out with real components nobody here wrote. One {@code redis-server},
 * three {@code duplex serve --redis} nodes, each a JVM of its own running the shaded CLI jar, and
 * {@code haproxy} in front of them ({@code balance roundrobin}, HTTP mode, health checks on
 * {@code /healthz}). Clients (Duplex's own, Node {@code ws}, Python {@code websockets}) connect only
 * to haproxy.
 *
 * <p>Which node a client reached is read from the nodes themselves: each node's Prometheus
 * endpoint ({@code --metrics-port}) counts {@code duplex_connections_opened_total}, and clients
 * connect one at a time, so the node whose count went up by one is the client's. haproxy's own
 * view (its CSV stats: server status, sessions per server) is in every failure message.
 *
 * <p>Skips when haproxy or redis-server is missing, fails instead with {@code DUPLEX_REQUIRE_PEERS=1}.
 * See docs/PUBSUB.md, "Running a cluster".
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterTest {
    private static final int NODES = 3;
    /** Deadline for anything to happen: generous, for a loaded 2-core CI box; passing runs take far less. */
    private static final long WAIT_MS = 20_000;
    private static final Pattern LISTENING = Pattern.compile("Duplex listening on ws://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("Metrics for Prometheus at http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern JOINED = Pattern.compile("\\* (\\S+) joined");
    /**
     * Every process this class started and has not stopped yet: stopped after each test (the
     * tests of this class run one at a time), and on JVM exit at the latest.
     */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "cluster-test-reaper"));
    }

    @TempDir
    Path tmp;

    private Process redis;
    private int redisPort;
    private final List<Node> nodes = new ArrayList<>();
    private Haproxy haproxy;
    private final List<Client> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() throws Exception {
        Peers.require(Peers.HAPROXY);
        Peers.require(Peers.REDIS);
        startRedis();
        // The nodes start side by side (a JVM each); each picks a free port and says which.
        for (int i = 1; i <= NODES; i++) {
            nodes.add(Node.launch("node" + i, tmp, "redis://127.0.0.1:" + redisPort));
        }
        for (Node n : nodes) {
            n.awaitListening();
        }
        haproxy = Haproxy.start(tmp, nodes);
        await("haproxy to see every node UP (health checks on /healthz)", () -> nodes.stream()
                .allMatch(n -> "UP".equals(haproxy.status(n.name))));
    }

    @AfterEach
    void stopCluster() {
        for (Client c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                System.err.println("ClusterTest: closing " + c.name + ": " + e);
            }
        }
        // Every process this test started, also one that a failed start left unnamed.
        for (Process p : List.copyOf(LIVE)) {
            stop(p);
        }
    }

    /** (1) Clients land on different nodes; every chat line reaches every client once, in order per sender. */
    @Test
    void chatThroughTheLoadBalancerReachesEveryClientOnEveryNode() throws Exception {
        List<Client> chat = new ArrayList<>();
        for (int i = 0; i < 2 * NODES; i++) {
            chat.add(joinChat("c" + i, i == 1 ? Peers.NODE_WS : i == 4 ? Peers.PYTHON_WEBSOCKETS : null));
        }
        assertSpreadOverEveryNode(chat, "chat");
        chatRound(chat, "r1", 20);
        report("chat: " + placement(chat));
        // Messages between nodes went through Redis: every node received some from the others.
        for (Node n : nodes) {
            assertThat(n.metric("duplex_redis_messages_total{direction=\"received\"}"))
                    .as("%s's messages received from Redis", n.name).isPositive();
        }
    }

    /** (2) A publisher on one node reaches the /broadcast subscribers on every node. */
    @Test
    void broadcastFromOneNodeReachesSubscribersOnEveryNode() throws Exception {
        List<Client> subscribers = new ArrayList<>();
        // Round robin puts one on each node; should a health check have taken a node out for a
        // moment, a few more subscribers cover it.
        for (int i = 0; i < 2 * NODES && subscribers.stream().map(c -> c.node).distinct().count() < NODES; i++) {
            subscribers.add(connect("sub" + i, "/broadcast", i == 1 ? Peers.NODE_WS : null));
        }
        Client publisher = connect("pub", "/broadcast?role=pub", null);
        assertSpreadOverEveryNode(subscribers, "broadcast"); // the publisher subscribes to nothing
        int count = 50;
        for (int k = 0; k < count; k++) {
            publisher.send("b-" + k);
        }
        await("every subscriber to get all " + count + " messages", () -> subscribers.stream()
                .allMatch(s -> s.lines.stream().filter(l -> l.startsWith("b-")).count() >= count));
        // A fence: once every subscriber has every other's, anything still in Redis' pipe has arrived.
        for (int i = 0; i < subscribers.size(); i++) {
            subscribers.get(i).send("fence-" + i);
        }
        await("every fence at every subscriber", () -> subscribers.stream()
                .allMatch(s -> s.lines.stream().filter(l -> l.startsWith("fence-")).count() >= subscribers.size()));
        List<String> expected = IntStream.range(0, count).mapToObj(k -> "b-" + k).collect(Collectors.toList());
        for (Client s : subscribers) {
            assertThat(s.lines.stream().filter(l -> l.startsWith("b-")).collect(Collectors.toList()))
                    .as("what %s on %s got, from the publisher on %s", s.name, s.node.name, publisher.node.name)
                    .isEqualTo(expected);
            assertThat(s.lines.stream().filter(l -> l.startsWith("fence-")).sorted().collect(Collectors.toList()))
                    .as("fences at %s", s.name).isEqualTo(IntStream.range(0, subscribers.size())
                            .mapToObj(i -> "fence-" + i).sorted().collect(Collectors.toList()));
        }
        assertThat(publisher.lines).as("a ?role=pub connection subscribes to nothing").isEmpty();
        report("broadcast: publisher on " + publisher.node + ", subscribers " + placement(subscribers));
    }

    /** (3) A node dies: its clients see the connection go, the others chat on, newcomers land on survivors. */
    @Test
    void killingANodeClosesItsClientsAndTheRestChatOn() throws Exception {
        List<Client> chat = new ArrayList<>();
        for (int i = 0; i < 2 * NODES; i++) {
            chat.add(joinChat("c" + i, i == 0 ? Peers.NODE_WS : null));
        }
        Node victim = chat.get(0).node;
        List<Client> doomed = chat.stream().filter(c -> c.node == victim).collect(Collectors.toList());
        List<Client> survivors = chat.stream().filter(c -> c.node != victim).collect(Collectors.toList());
        assertSpreadOverEveryNode(chat, "chat");

        victim.process.destroyForcibly(); // SIGKILL: a crash, no close frames
        assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).as("%s died", victim.name).isTrue();
        await("the clients of " + victim.name + " to see their connections close", () -> doomed.stream()
                .allMatch(c -> c.closeCode.isDone()));
        for (Client c : doomed) {
            assertThat(c.closeCode.get()).as("close code seen by %s (%s) on the killed node", c.name, c.kind)
                    .isIn(1006, 1001);
        }
        for (Client c : survivors) {
            assertThat(c.closeCode).as("%s on %s is still connected", c.name, c.node.name).isNotDone();
        }
        chatRound(survivors, "after-kill", 10);

        // Clients of the dead node come back through haproxy and land on the survivors.
        List<Client> everyone = new ArrayList<>(survivors);
        for (int i = 0; i < 2; i++) {
            Client back = joinChat("back" + i, i == 0 ? Peers.NODE_WS : null, everyone);
            assertThat(back.node).as("node of reconnected client %s", back.name).isNotSameAs(victim);
            everyone.add(back);
        }
        await("haproxy to mark " + victim.name + " DOWN", () -> haproxy.status(victim.name).startsWith("DOWN"));
        Client late = joinChat("late", null, everyone);
        everyone.add(late);
        chatRound(everyone, "rejoined", 10);
        report("kill: before " + placement(chat) + "; killed " + victim + ", close codes "
                + doomed.stream().map(c -> c.name + "=" + c.closeCode.join()).collect(Collectors.joining(" "))
                + "; after " + placement(everyone) + "; haproxy: " + haproxy.row(victim.name, "status", "stot", "econ", "wredis"));
    }

    private static String placement(List<Client> list) {
        return list.stream().map(c -> c.name + (c.kind.startsWith("Duplex") ? "" : "(" + c.kind.replaceFirst(" client$", "") + ")")
                + "@" + c.node).collect(Collectors.joining(" "));
    }

    private static void report(String line) {
        System.out.println("ClusterTest: " + line);
    }

    /**
     * The clients are spread over every node (haproxy's round robin), and each node's own count of
     * subscribers to {@code topic} agrees with where the test found the clients.
     */
    private void assertSpreadOverEveryNode(List<Client> list, String topic) {
        Map<Node, Long> perNode = list.stream().collect(Collectors.groupingBy(c -> c.node, Collectors.counting()));
        assertThat(perNode.keySet()).as("the nodes the clients reached through haproxy%s", diagnostics())
                .containsExactlyInAnyOrderElementsOf(nodes);
        for (Node n : nodes) {
            assertThat(n.metric("duplex_topic_subscribers{topic=\"" + topic + "\"}"))
                    .as("%s's own count of /%s subscribers", n.name, topic).isEqualTo((double) perNode.get(n));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Chat helpers

    private Client joinChat(String name, String foreign) throws Exception {
        List<Client> room = new ArrayList<>();
        for (Client c : clients) {
            if (c.path.equals("/chat") && !c.closeCode.isDone()) {
                room.add(c);
            }
        }
        return joinChat(name, foreign, room);
    }

    /**
     * Connects a /chat client, learns its name from its own join line (the first it gets, since no
     * one else is talking), and waits until everyone in {@code room} has seen it join too.
     */
    private Client joinChat(String name, String foreign, List<Client> room) throws Exception {
        Client c = connect(name, "/chat", foreign);
        await(name + " to see its own join", () -> !c.lines.isEmpty());
        Matcher m = JOINED.matcher(c.lines.get(0));
        assertThat(m.matches()).as("%s's first line: %s", name, c.lines.get(0)).isTrue();
        c.chatName = m.group(1);
        String join = "* " + c.chatName + " joined";
        await("everyone to see " + name + " join (through Redis from " + c.node.name + ")",
                () -> room.stream().allMatch(r -> r.lines.contains(join)));
        return c;
    }

    /**
     * Every client sends {@code perSender} lines; every client must get every line exactly once,
     * each sender's in the order sent. Exactly once is checked after a fence: each client sends one
     * more line only once it has everything, and the check waits for every fence everywhere, so a
     * duplicate coming back through Redis would be there by then.
     */
    private void chatRound(List<Client> room, String tag, int perSender) throws Exception {
        Pattern line = Pattern.compile("(\\S+): " + Pattern.quote(tag) + "-(\\d+)-(\\d+)");
        for (int k = 0; k < perSender; k++) {
            for (int i = 0; i < room.size(); i++) {
                room.get(i).send(tag + "-" + i + "-" + k);
            }
        }
        long all = (long) room.size() * perSender;
        await("every client to get all " + all + " '" + tag + "' lines", () -> room.stream()
                .allMatch(r -> r.lines.stream().filter(l -> line.matcher(l).matches()).count() >= all));
        String fence = tag + "-fence-";
        for (int i = 0; i < room.size(); i++) {
            room.get(i).send(fence + i);
        }
        await("every client to get every '" + tag + "' fence", () -> room.stream()
                .allMatch(r -> r.lines.stream().filter(l -> l.contains(": " + fence)).count() >= room.size()));
        for (Client r : room) {
            Map<Integer, List<Integer>> bySender = new LinkedHashMap<>();
            for (String l : r.lines) {
                Matcher m = line.matcher(l);
                if (m.matches()) {
                    int sender = Integer.parseInt(m.group(2));
                    assertThat(m.group(1)).as("the name on %s's line '%s'", room.get(sender).name, l)
                            .isEqualTo(room.get(sender).chatName);
                    bySender.computeIfAbsent(sender, s -> new ArrayList<>()).add(Integer.parseInt(m.group(3)));
                }
            }
            List<Integer> expected = IntStream.range(0, perSender).boxed().collect(Collectors.toList());
            for (int i = 0; i < room.size(); i++) {
                assertThat(bySender.get(i)).as("lines from %s (on %s) as %s (on %s, %s) got them", room.get(i).name,
                        room.get(i).node.name, r.name, r.node.name, r.kind).isEqualTo(expected);
            }
            assertThat(r.lines.stream().filter(l -> l.contains(": " + fence)).count())
                    .as("fences at %s", r.name).isEqualTo(room.size());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Clients, and which node they reached

    /**
     * Connects a client to haproxy ({@code foreign}: a peer kind from {@link Peers}, or null for
     * Duplex's client; a foreign peer that is missing is replaced by Duplex's client unless peers
     * are required), and finds its node: the one whose opened-connections count went up by one.
     */
    private Client connect(String name, String path, String foreign) throws Exception {
        List<Node> alive = nodes.stream().filter(n -> n.process.isAlive()).collect(Collectors.toList());
        Map<Node, Double> before = new HashMap<>();
        for (Node n : alive) {
            before.put(n, n.metric("duplex_connections_opened_total"));
        }
        URI uri = URI.create("ws://127.0.0.1:" + haproxy.port + path);
        Client c = null;
        if (foreign != null) {
            try {
                Peers.require(foreign);
                c = Client.script(name, foreign, uri);
            } catch (TestAbortedException missing) {
                System.err.println("ClusterTest: " + missing.getMessage() + " Using Duplex's client for " + name);
            }
        }
        if (c == null) {
            c = Client.duplex(name, uri);
        }
        c.path = path;
        clients.add(c);
        c.awaitOpen();
        Client client = c;
        await("one node to count " + name + "'s connection", () -> {
            long up = 0;
            for (Node n : alive) {
                double d = n.metric("duplex_connections_opened_total") - before.get(n);
                if (d > 0) {
                    up += (long) d;
                    client.node = n;
                }
            }
            if (up > 1) {
                throw new AssertionError("more than one new connection across the nodes while connecting " + name);
            }
            return up == 1;
        });
        return c;
    }

    /** One WebSocket client of the cluster: what it received, and how its connection ended. */
    abstract static class Client {
        final String name;
        final String kind;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        String path;
        Node node;
        String chatName;

        Client(String name, String kind) {
            this.name = name;
            this.kind = kind;
        }

        abstract void send(String text) throws Exception;

        abstract void close();

        void awaitOpen() throws Exception {
            try {
                opened.get(WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(name + " (" + kind + ") did not connect in " + WAIT_MS + " ms" + extra());
            }
        }

        String extra() {
            return "";
        }

        static Client duplex(String name, URI uri) {
            DuplexClient c = new DuplexClient(name);
            WebSocketClient.connect(uri, c).whenComplete((ws, e) -> {
                if (e != null) {
                    c.opened.completeExceptionally(e);
                } else {
                    c.ws = ws;
                    c.opened.complete(null);
                }
            });
            return c;
        }

        static Client script(String name, String peer, URI uri) throws IOException {
            ScriptPeer p = peer.equals(Peers.NODE_WS) ? ScriptPeer.node("client", uri.toString())
                    : ScriptPeer.python("client", uri.toString());
            return new ScriptClient(name, p);
        }
    }

    static final class DuplexClient extends Client implements WebSocketHandler {
        volatile WebSocket ws;

        DuplexClient(String name) {
            super(name, "Duplex client");
        }

        @Override
        public void onText(WebSocket ws, String text) {
            lines.add(text);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason, boolean closedByPeer) {
            closeCode.complete(code);
        }

        @Override
        void send(String text) {
            ws.sendText(text);
        }

        @Override
        void close() {
            WebSocket w = ws;
            if (w != null) {
                w.abort();
            }
        }
    }

    /** A Node ws or Python websockets client (src/test/js/peer.js, src/test/python/peer.py). */
    static final class ScriptClient extends Client {
        private final ScriptPeer peer;
        private final Thread pump;

        ScriptClient(String name, ScriptPeer peer) {
            super(name, peer.name());
            this.peer = peer;
            this.pump = new Thread(this::pump, "cluster-" + name);
            pump.setDaemon(true);
            pump.start();
        }

        private void pump() {
            BlockingQueue<Event> events = peer.events;
            try {
                while (!closeCode.isDone()) {
                    Event e = events.poll(100, TimeUnit.MILLISECONDS);
                    if (e == null) {
                        continue;
                    }
                    switch (e.type) {
                        case "open":
                            opened.complete(null);
                            break;
                        case "text":
                            lines.add(e.str("data"));
                            break;
                        case "close":
                            closeCode.complete((int) e.num("code"));
                            break;
                        case "error":
                            opened.completeExceptionally(new AssertionError(name + ": " + e + peer.diagnostics()));
                            break;
                        default:
                            break;
                    }
                }
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        void send(String text) throws IOException {
            peer.sendText(text);
        }

        @Override
        String extra() {
            return peer.diagnostics();
        }

        @Override
        void close() {
            peer.close();
            pump.interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The processes

    /** One {@code duplex serve} JVM, running the shaded CLI jar. */
    static final class Node {
        final String name;
        final Process process;
        final Path log;
        int port;
        int metricsPort;

        private Node(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        static Node launch(String name, Path dir, String redisUri) throws IOException {
            Path log = dir.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx192m"));
            command.addAll(cliLauncher());
            command.addAll(List.of("serve", "--port", "0", "--metrics-port", "0", "--event-loops", "1",
                    "--redis", redisUri));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            LIVE.add(p);
            return new Node(name, p, log);
        }

        void awaitListening() throws Exception {
            try {
                awaitListeningLine();
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its output:\n" + log(), e);
            }
        }

        private void awaitListeningLine() throws Exception {
            await(name + " to listen", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(name + " exited with " + process.exitValue() + ": " + log());
                }
                String text = log();
                Matcher ws = LISTENING.matcher(text);
                Matcher m = METRICS.matcher(text);
                if (ws.find() && m.find()) {
                    port = Integer.parseInt(ws.group(1));
                    metricsPort = Integer.parseInt(m.group(1));
                    return true;
                }
                return false;
            });
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** One sample of the node's Prometheus endpoint, like {@code duplex_connections_open}. */
        double metric(String sample) {
            String text = httpGet(metricsPort, "/metrics");
            for (String l : text.split("\n")) {
                if (l.startsWith(sample + " ")) {
                    return Double.parseDouble(l.substring(sample.length() + 1).trim());
                }
            }
            throw new AssertionError(name + " has no metric " + sample);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * How to run {@code duplex}: the shaded jar (duplex-cli/${duplex.target}/duplex.jar, found by
     * the pom's duplex.cli.jar property, else under the default target), else, when no build made
     * one, the CLI's main class on this test's class path (still a JVM of its own).
     */
    static List<String> cliLauncher() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("duplex.cli.jar");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        candidates.add(Peers.testsDir().resolve("../duplex-cli/target/duplex.jar").normalize());
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                return List.of("-jar", p.toString());
            }
        }
        System.err.println("ClusterTest: no shaded duplex.jar at " + candidates
                + "; running dev.duplex.cli.Main from the test class path instead");
        // This class path's simplelogger.properties (duplex-tests') would hide the "listening" line.
        return List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"),
                "dev.duplex.cli.Main");
    }

    /** haproxy in front of the nodes, with its stats page on a port of its own. */
    static final class Haproxy {
        final Process process;
        final Path log;
        final String config;
        final int port;
        final int statsPort;

        private Haproxy(Process process, Path log, String config, int port, int statsPort) {
            this.process = process;
            this.log = log;
            this.config = config;
            this.port = port;
            this.statsPort = statsPort;
        }

        static Haproxy start(Path dir, List<Node> nodes) throws Exception {
            int port = freePort();
            int statsPort = freePort();
            StringBuilder cfg = new StringBuilder()
                    .append("global\n")
                    .append("    maxconn 1000\n")
                    .append("defaults\n")
                    .append("    mode http\n")
                    .append("    timeout connect 2s\n")
                    .append("    timeout client 30s\n")
                    .append("    timeout server 30s\n")
                    .append("    timeout tunnel 1h\n") // an upgraded (WebSocket) connection may idle this long
                    .append("    retries 3\n")
                    .append("    option redispatch 1\n") // a retry goes to another node
                    .append("frontend websockets\n")
                    .append("    bind 127.0.0.1:").append(port).append('\n')
                    .append("    default_backend duplex\n")
                    .append("backend duplex\n")
                    .append("    balance roundrobin\n")
                    .append("    option httpchk\n")
                    .append("    http-check send meth GET uri /healthz\n")
                    .append("    http-check expect status 200\n")
                    .append("    timeout check 2s\n") // a node slow to answer on a busy machine is not dead
                    .append("    default-server check inter 250ms fall 2 rise 2\n");
            for (Node n : nodes) {
                cfg.append("    server ").append(n.name).append(" 127.0.0.1:").append(n.port).append('\n');
            }
            cfg.append("listen stats\n")
                    .append("    bind 127.0.0.1:").append(statsPort).append('\n')
                    .append("    stats enable\n")
                    .append("    stats uri /stats\n");
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, cfg);
            Path log = dir.resolve("haproxy.log");
            Process p = new ProcessBuilder(Peers.haproxy(), "-db", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            LIVE.add(p);
            Haproxy h = new Haproxy(p, log, cfg.toString(), port, statsPort);
            await("haproxy to listen on " + port, () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("haproxy exited with " + p.exitValue() + ": " + h.log() + "\n" + h.config);
                }
                return accepts(port) && accepts(statsPort);
            });
            return h;
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        /** haproxy's CSV stats. */
        String stats() {
            return httpGet(statsPort, "/stats;csv");
        }

        /** The backend server's status as haproxy sees it: UP, DOWN, "UP 1/2"... ("" if unknown). */
        String status(String server) {
            Map<String, String> row = server(server);
            return row.getOrDefault("status", "");
        }

        /** Some columns of the server's stats row, as "name=value ...". */
        String row(String server, String... columns) {
            Map<String, String> row = server(server);
            return java.util.Arrays.stream(columns).map(c -> c + "=" + row.get(c)).collect(Collectors.joining(" "));
        }

        /** The stats row of one server of the duplex backend, by column name. */
        Map<String, String> server(String server) {
            List<String> rows = List.of(stats().split("\n"));
            String[] header = rows.get(0).replaceFirst("^# ", "").split(",", -1);
            for (String line : rows.subList(1, rows.size())) {
                String[] f = line.split(",", -1);
                if (f.length >= 2 && f[0].equals("duplex") && f[1].equals(server)) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < Math.min(header.length, f.length); i++) {
                        row.put(header[i], f[i]);
                    }
                    return row;
                }
            }
            return Map.of();
        }
    }

    private void startRedis() throws Exception {
        redisPort = freePort();
        Path log = tmp.resolve("redis.log");
        redis = new ProcessBuilder(Peers.redisServer(), "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LIVE.add(redis);
        Process r = redis;
        await("redis-server to accept connections on " + redisPort, () -> {
            if (!r.isAlive()) {
                throw new AssertionError("redis-server exited with " + r.exitValue() + ": " + read(log));
            }
            return accepts(redisPort);
        });
    }

    /** What haproxy and the nodes say, for failure messages. */
    private String diagnostics() {
        StringBuilder sb = new StringBuilder("\n--- clients ---\n");
        for (Client c : clients) {
            sb.append(c.name).append(" (").append(c.kind).append(") on ").append(c.node).append('\n');
        }
        try {
            sb.append("--- haproxy stats ---\n").append(haproxy.stats());
        } catch (RuntimeException e) {
            sb.append("(no haproxy stats: ").append(e).append(")\n");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // Small things

    /** Polls {@code condition} every 20 ms until it holds, failing after {@link #WAIT_MS}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT_MS + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static boolean accepts(int port) {
        try {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String httpGet(int port, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout(5_000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET http://127.0.0.1:" + port + path, e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
    }
}
