package dev.duplex.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Collects every case's verdict and, once the whole test run ends (the root store closes),
 * prints the summary table and writes it to {@code <build dir>/conformance.md}.
 */
final class ConformanceReport implements AutoCloseable {
    static final ConformanceReport INSTANCE = new ConformanceReport();

    static final Map<String, String> GROUPS = Map.of(
            "1", "Framing", "2", "Ping/pong", "3", "Reserved bits", "4", "Opcodes", "5", "Fragmentation",
            "6", "UTF-8", "7", "Close", "8", "Limits and speed", "9", "Opening handshake",
            "10", "permessage-deflate");

    record Result(String mode, String group, String id, boolean passed, long nanos) {}

    private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    private volatile boolean written;

    void record(String mode, String id, boolean passed, long nanos) {
        results.add(new Result(mode, id.substring(0, id.indexOf('.')), id, passed, nanos));
    }

    /** The table, in Markdown. */
    String table() {
        StringBuilder s = new StringBuilder();
        s.append("| Mode | Group | Cases | Passed | Failed | Time (s) | Failures |\n");
        s.append("|---|---|---:|---:|---:|---:|---|\n");
        Map<String, Map<Integer, List<Result>>> byMode = new TreeMap<>(
                (a, b) -> a.equals(b) ? 0 : a.equals("server") ? -1 : b.equals("server") ? 1 : a.compareTo(b));
        for (Result r : results) {
            byMode.computeIfAbsent(r.mode(), k -> new TreeMap<>())
                    .computeIfAbsent(Integer.parseInt(r.group()), k -> new ArrayList<>()).add(r);
        }
        int total = 0;
        int totalFailed = 0;
        for (var mode : byMode.entrySet()) {
            for (var g : mode.getValue().entrySet()) {
                List<Result> rs = g.getValue();
                List<String> failed = rs.stream().filter(r -> !r.passed()).map(Result::id).sorted().toList();
                long nanos = rs.stream().mapToLong(Result::nanos).sum();
                total += rs.size();
                totalFailed += failed.size();
                s.append("| ").append(mode.getKey()).append(" | ").append(g.getKey()).append(' ')
                        .append(GROUPS.get(String.valueOf(g.getKey()))).append(" | ").append(rs.size()).append(" | ")
                        .append(rs.size() - failed.size()).append(" | ").append(failed.size()).append(" | ")
                        .append(String.format("%.1f", nanos / 1e9)).append(" | ")
                        .append(failed.isEmpty() ? "" : String.join(" ", failed)).append(" |\n");
            }
        }
        s.append("| **all** | | **").append(total).append("** | **").append(total - totalFailed).append("** | **")
                .append(totalFailed).append("** | | |\n");
        return s.toString();
    }

    @Override
    public synchronized void close() {
        if (written || results.isEmpty()) {
            return;
        }
        written = true;
        String table = table();
        System.out.println();
        System.out.println("Conformance summary (server mode: harness client vs. WebSocketServer /echo;"
                + " client mode: harness server vs. WebSocketClient echoing)");
        System.out.println(table);
        try {
            Path buildDir = Path.of(ConformanceReport.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
            Files.writeString(buildDir.resolve("conformance.md"), "# Conformance results\n\n" + table,
                    StandardCharsets.UTF_8);
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            System.out.println("could not write conformance.md: " + e);
        }
    }

    /** Registers the report in the root store, so that it closes when the whole run ends. */
    static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            context.getRoot().getStore(ExtensionContext.Namespace.create(ConformanceReport.class))
                    .computeIfAbsent("report", k -> INSTANCE);
        }
    }
}
