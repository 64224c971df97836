package dev.duplex.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux tells about a process: CPU seconds (user + system, /proc/PID/stat), resident memory
 * (VmRSS, /proc/PID/status); and for a JVM, its heap in use through {@code jcmd PID GC.heap_info}
 * (after {@code jcmd PID GC.run} when asked). Every reading returns -1 when it cannot be made.
 */
final class ProcStats {
    /** USER_HZ: the unit of /proc/PID/stat's times; 100 on every Linux that matters. */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    /** CPU seconds used so far by {@code pid} ("self" for this process), user + system. */
    static double cpuSeconds(String pid) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
            // the command name is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]); // field 14 of the man page
            long stime = Long.parseLong(f[12]); // field 15
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size of {@code pid} in bytes. */
    static long rssBytes(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmRSS:")) {
                    String[] p = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(p[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    static boolean alive(String pid) {
        return Files.exists(Path.of("/proc", pid));
    }

    private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern ANY_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    /**
     * Heap in use by JVM {@code pid}, in bytes, from {@code jcmd PID GC.heap_info}; with
     * {@code collectFirst}, after a full collection ({@code jcmd PID GC.run}) so that only live
     * objects count. -1 when jcmd is missing or the process is not a JVM of this user.
     */
    static long heapUsedBytes(String pid, boolean collectFirst) {
        if (!isJvm(pid)) {
            return -1; // jcmd's attach sends SIGQUIT, which kills a process that is not a JVM (Node, for one)
        }
        if (collectFirst && run("jcmd", pid, "GC.run") == null) {
            return -1;
        }
        String out = run("jcmd", pid, "GC.heap_info");
        if (out == null) {
            return -1;
        }
        Matcher m = G1_USED.matcher(out);
        if (m.find()) {
            return Long.parseLong(m.group(2)) * 1024;
        }
        // other collectors list generations: add every "used"
        long sum = 0;
        boolean any = false;
        for (String line : out.split("\n")) {
            String t = line.trim();
            if (t.startsWith("Metaspace") || t.startsWith("class space")) {
                continue;
            }
            Matcher g = ANY_USED.matcher(t);
            if (g.find()) {
                sum += Long.parseLong(g.group(2)) * 1024;
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /**
     * Asks JVM {@code pid} to give malloc's free pages back to the OS ({@code jcmd PID
     * System.trim_native_heap}, JDK 17.0.9 and later): memory that native code allocated and
     * freed again stays resident in glibc's arenas otherwise, although nothing holds it.
     *
     * @return whether the JVM did it
     */
    static boolean trimNativeHeap(String pid) {
        return isJvm(pid) && run("jcmd", pid, "System.trim_native_heap") != null;
    }

    /** Whether {@code pid} has a HotSpot JVM loaded (libjvm in its memory map). */
    static boolean isJvm(String pid) {
        try (var lines = Files.lines(Path.of("/proc", pid, "maps"), StandardCharsets.ISO_8859_1)) {
            return lines.anyMatch(l -> l.endsWith("/libjvm.so"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
