package dev.duplex.cli.bench;

import dev.duplex.cli.bench.RawClient.Conn;
import dev.duplex.cli.bench.RawClient.Payload;
import dev.duplex.cli.bench.RawClient.Senders;
import dev.duplex.cli.bench.RawClient.Target;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * The scenarios. Each opens its connections, loads them for a warm-up and then for the measured
 * time, and returns what it measured; counts, histograms and CPU readings cover the measured time
 * only. Latency is recorded in microseconds from the send stamp each message carries (its intended
 * send time where a schedule exists: corrected for coordinated omission).
 */
final class Bench {
    /** Everything the scenarios are told. */
    static final class Settings {
        URI url;             // for echo, latency, large, idle
        URI broadcastUrl;    // for broadcast
        int connections = 64;
        int window = 16;
        int size = 32;
        boolean text = true;
        double durationSeconds = 10;
        double warmupSeconds = 2;
        int rate = 20_000;
        int largeConnections = 4;
        int largeSize = 1 << 20;
        int largeWindow = 2;
        int idleConnections = 10_000;
        int connectConcurrency = 200;
        int subscribers = 1000;
        int publishRate;     // 0: as fast as the window allows
        int publishWindow = 16;
        int broadcastSize = 64;
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        String serverPid;
        boolean progress;
        /** wss:// trust (null: the JDK's trust store). */
        TlsClient tls;
    }

    private final Settings s;
    private final PrintStream progressOut;

    Bench(Settings s, PrintStream progressOut) {
        this.s = s;
        this.progressOut = progressOut;
    }

    Result run(String scenario) throws InterruptedException, IOException {
        return switch (scenario) {
            case "echo" -> echo("echo", s.connections, s.window, new Payload(s.text, s.size));
            case "latency" -> latency();
            case "large" -> echo("large", s.largeConnections, s.largeWindow, new Payload(false, s.largeSize));
            case "idle" -> idle();
            case "broadcast" -> broadcast();
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    // ------------------------------------------------------------------------------ echo, large

    private Result echo(String name, int connections, int window, Payload p) throws InterruptedException, IOException {
        Result r = result(name, s.url);
        r.param("connections", connections).param("window", window).param("size", p.size)
                .param("type", p.text ? "text" : "binary");
        Meter m = new Meter(s.threads);
        RawClient.Listener l = new Base(m) {
            @Override
            public void onOpen(Conn c) {
                super.onOpen(c);
                for (int i = 0; i < window; i++) {
                    c.send(p, System.nanoTime());
                }
            }

            @Override
            public void onMessage(Conn c, boolean text, long length, byte[] head, int headLen, long readAt) {
                long stamp = p.readStamp(head, headLen);
                m.message(c, length, stamp > 0 ? readAt - stamp : -1);
                if (m.running) {
                    c.send(p, readAt); // the reply goes out with this read's others, at the flush after parsing
                }
            }
        };
        try (RawClient client = new RawClient(s.threads)) {
            List<Conn> conns = openAll(client, target(s.url, null), connections, l, Senders.LOOP, m, r);
            if (conns == null) {
                return r;
            }
            measure(name, m, r, p.size >= 65536);
            m.running = false;
            closeAll(conns);
        }
        double secs = m.seconds;
        if (p.size >= 65536) {
            r.timelineUnit = "MB/s";
            r.add("mb_per_s", "throughput", m.bytes / secs / 1e6, "MB/s");
            r.add("messages_per_s", "messages echoed", m.count / secs, "msg/s");
            perServerCpu(r, m, "mb_per_server_cpu_s", "MB per server CPU-second", m.bytes / 1e6, "MB/CPU-s");
        } else {
            r.add("round_trips_per_s", "round trips", m.count / secs, "msg/s");
            perServerCpu(r, m, "round_trips_per_server_cpu_s", "round trips per server CPU-second", m.count, "msg/CPU-s");
        }
        r.addLatency("rtt", "round trip", m.latency);
        cpuFigures(r, m);
        return r;
    }

    // ------------------------------------------------------------------------------ latency

    private Result latency() throws InterruptedException, IOException {
        Payload p = new Payload(s.text, s.size);
        Result r = result("latency", s.url);
        r.param("connections", s.connections).param("rate", s.rate).param("size", p.size)
                .param("type", p.text ? "text" : "binary");
        Meter m = new Meter(s.threads);
        Recorder lag = new Recorder(3_600_000_000L, 2);
        RawClient.Listener l = new Base(m) {
            @Override
            public void onMessage(Conn c, boolean text, long length, byte[] head, int headLen, long readAt) {
                long stamp = p.readStamp(head, headLen);
                m.message(c, length, stamp > 0 ? readAt - stamp : -1);
            }
        };
        try (RawClient client = new RawClient(s.threads)) {
            List<Conn> conns = openAll(client, target(s.url, null), s.connections, l, Senders.ANY, m, r); // the pacer sends
            if (conns == null) {
                return r;
            }
            Conn[] cs = conns.toArray(new Conn[0]);
            double period = 1e9 / s.rate;
            Thread pacer = new Thread(() -> {
                long t0 = System.nanoTime();
                long j = 0;
                while (m.running) {
                    long now = System.nanoTime();
                    long due = t0 + (long) (j * period);
                    if (due > now) {
                        LockSupport.parkNanos(due - now);
                        continue;
                    }
                    Conn c = cs[(int) (j % cs.length)];
                    c.send(p, due);
                    c.flush();
                    lag.recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
                    j++;
                }
            }, "bench-pacer");
            pacer.setDaemon(true);
            pacer.start();
            measure("latency", m, r, false, lag);
            m.running = false;
            pacer.join(2000);
            closeAll(conns);
        }
        r.add("messages_per_s", "messages", m.count / m.seconds, "msg/s");
        r.add("rate_target", "intended rate", s.rate, "msg/s");
        r.addLatency("rtt", "round trip", m.latency);
        if (m.lagHistogram != null) {
            r.addLatency("send_lag", "generator send lag", m.lagHistogram);
        }
        perServerCpu(r, m, "messages_per_server_cpu_s", "messages per server CPU-second", m.count, "msg/CPU-s");
        cpuFigures(r, m);
        r.notes.add("Round trips measured from each message's intended send time (a fixed schedule of "
                + s.rate + " msg/s), so a stalled server shows up in full (no coordinated omission).");
        return r;
    }

    // ------------------------------------------------------------------------------ idle

    /**
     * Memory is read three times, each after a full GC and once the process's RSS has settled
     * (a JVM hands freed heap back to the OS a moment after the collection): before opening,
     * at half the connections and at all of them. The per-connection figures are the slope
     * between the last two, the cost of one more idle connection; the first half pays the
     * one-time costs (JIT, classes, buffer pools, malloc arenas), which are reported apart.
     */
    private Result idle() throws InterruptedException, IOException {
        Result r = result("idle", s.url);
        int n = s.idleConnections;
        r.param("connections", n).param("connect_concurrency", s.connectConcurrency);
        Meter m = new Meter(s.threads);
        Target t = target(s.url, null);
        List<InetAddress> sources = RawClient.sources(t.address, n, 20_000);
        r.param("source_addresses", sources.get(0) == null ? 1 : sources.size());
        String pid = s.serverPid;
        long[] before = pid != null ? memory(pid) : null;
        long[] half = null;
        int openAtHalf = 0;
        double cpuServer0 = pid != null ? ProcStats.cpuSeconds(pid) : -1;
        double cpuSelf0 = ProcStats.cpuSeconds("self");
        RawClient.Listener l = new Base(m);
        List<Conn> conns = new ArrayList<>(n);
        try (RawClient client = new RawClient(s.threads)) {
            long start = System.nanoTime();
            double pausedSecs = 0;
            java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(s.connectConcurrency);
            RawClient.Listener gated = new RawClient.Listener() {
                @Override
                public void onOpen(Conn c) {
                    inFlight.release();
                    l.onOpen(c);
                }

                @Override
                public void onMessage(Conn c, boolean text, long length, byte[] head, int headLen, long readAt) {}

                @Override
                public void onClose(Conn c, String why) {
                    if (!c.isOpenedOnce()) {
                        inFlight.release();
                    }
                    l.onClose(c, why);
                }
            };
            long lastPrint = 0;
            for (int i = 0; i < n; i++) {
                if (pid != null && i == n / 2 && half == null) {
                    long pause = System.nanoTime();
                    awaitOpened(m, conns.size());
                    openAtHalf = m.opened.get() - m.closedAfterOpen.get();
                    half = memory(pid);
                    pausedSecs += (System.nanoTime() - pause) / 1e9;
                }
                if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                    r.error = "connections stopped opening after " + m.opened.get() + " of " + n;
                    break;
                }
                if (m.failure.get() != null && m.failed.get() > n / 100 + 10) {
                    break;
                }
                conns.add(client.open(t, sources.get(i % sources.size()), gated, Senders.LOOP));
                long now = System.nanoTime();
                if (now - lastPrint > 250_000_000L) {
                    lastPrint = now;
                    progress(String.format(Locale.ROOT, "idle  opening %,d/%,d connections", m.opened.get(), n));
                }
            }
            awaitOpened(m, conns.size());
            double connectSecs = (System.nanoTime() - start) / 1e9 - pausedSecs;
            int opened = m.opened.get();
            r.add("connections_open", "connections open", opened, "");
            r.add("connect_per_s", "connect rate", opened / connectSecs, "conn/s");
            if (m.failed.get() > 0) {
                r.add("connections_failed", "connections failed", m.failed.get(), "");
                r.notes.add("first failure: " + m.failure.get());
            }
            // hold them
            long holdEnd = System.nanoTime() + (long) (s.durationSeconds * 1e9);
            while (System.nanoTime() < holdEnd) {
                progress(String.format(Locale.ROOT, "idle  holding %,d connections  %.0fs left", m.opened.get() - m.closed.get(),
                        (holdEnd - System.nanoTime()) / 1e9));
                Thread.sleep(Math.max(1, Math.min(500, (holdEnd - System.nanoTime()) / 1_000_000)));
            }
            int still = m.opened.get() - m.closedAfterOpen.get();
            r.add("connections_held", "connections still open at the end", still, "");
            if (pid != null) {
                double cpu = ProcStats.cpuSeconds(pid) - cpuServer0;
                long[] all = memory(pid);
                r.add("server_cpu_s", "server CPU (connect + hold)", cpu, "s");
                int added = still - openAtHalf;
                if (all[1] > 0) {
                    r.add("server_rss_mb", "server RSS", all[1] / 1048576.0, "MiB");
                }
                if (half != null && added > 0) {
                    if (half[1] > 0 && all[1] > 0) {
                        r.add("rss_per_conn_bytes", "server RSS per connection", (all[1] - half[1]) / (double) added, "B");
                    }
                    if (half[0] > 0 && all[0] > 0) {
                        r.add("heap_per_conn_bytes", "server heap per connection", (all[0] - half[0]) / (double) added, "B");
                    }
                }
                if (before[1] > 0 && all[1] > 0 && still > 0) {
                    r.add("rss_per_conn_with_startup_bytes", "server RSS per connection, one-time costs included",
                            (all[1] - before[1]) / (double) still, "B");
                }
                r.notes.add("per connection: the growth from " + openAtHalf + " to " + still + " open connections, divided by "
                        + added + " (one more idle connection's cost); 'one-time costs included' divides all growth since "
                        + "before opening by " + still);
                r.notes.add(all[0] > 0 ? "heap: live heap after jcmd PID GC.run (GC.heap_info)"
                        : "heap: not measured (jcmd could not reach the server; not a JVM of this user?)");
                r.notes.add("RSS: VmRSS of /proc/" + pid + "/status after the full GC and jcmd System.trim_native_heap, "
                        + "once it stops falling (a JVM gives freed heap back only if its flags let it shrink the heap); "
                        + "kernel socket buffers are not in it");
            }
            double cpuSelf = ProcStats.cpuSeconds("self") - cpuSelf0;
            r.add("generator_cpu_s", "generator CPU (connect + hold)", cpuSelf, "s");
            for (Conn c : conns) {
                c.close();
            }
        }
        return r;
    }

    private static void awaitOpened(Meter m, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (m.opened.get() + m.failed.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * {live heap, RSS} of the server in bytes (-1 when unknown), once it has settled: a full GC
     * and a trim of the native heap (JVMs), then RSS, repeated half a second apart until two
     * readings agree within 64 KiB (at most five times), keeping the lowest. A JVM gives freed
     * heap back after the collection, not during it, and a JIT compilation under way holds
     * megabytes of scratch memory for a moment.
     */
    private static long[] memory(String pid) throws InterruptedException {
        long heap = -1;
        long rss = Long.MAX_VALUE;
        long last = -1;
        for (int i = 0; i < 5; i++) {
            Thread.sleep(500);
            heap = ProcStats.heapUsedBytes(pid, true);
            ProcStats.trimNativeHeap(pid);
            long now = ProcStats.rssBytes(pid);
            if (now < 0) {
                return new long[] {heap, -1};
            }
            rss = Math.min(rss, now);
            if (last >= 0 && Math.abs(now - last) <= 64 * 1024) {
                break;
            }
            last = now;
        }
        return new long[] {heap, rss};
    }

    // ------------------------------------------------------------------------------ broadcast

    private Result broadcast() throws InterruptedException, IOException {
        Payload p = new Payload(s.text, Math.max(s.broadcastSize, s.text ? 16 : 8));
        URI url = s.broadcastUrl;
        Result r = result("broadcast", url);
        r.param("subscribers", s.subscribers).param("size", p.size).param("type", p.text ? "text" : "binary")
                .param(s.publishRate > 0 ? "publish_rate" : "publish_window", s.publishRate > 0 ? s.publishRate : s.publishWindow);
        Meter m = new Meter(s.threads);
        RawClient.Listener l = new Base(m) {
            @Override
            public void onMessage(Conn c, boolean text, long length, byte[] head, int headLen, long readAt) {
                long stamp = p.readStamp(head, headLen);
                m.message(c, length, stamp > 0 ? readAt - stamp : -1);
            }
        };
        try (RawClient client = new RawClient(s.threads)) {
            List<Conn> subs = openAll(client, target(url, null), s.subscribers, l, Senders.LOOP, m, r);
            if (subs == null) {
                return r;
            }
            Meter pm = new Meter(s.threads);
            List<Conn> pubs = openAll(client, target(url, "role=pub"), 1, new Base(pm), Senders.ANY, pm, r);
            if (pubs == null) {
                closeAll(subs);
                return r;
            }
            Conn pub = pubs.get(0);
            Thread.sleep(300); // let the server file the subscriptions
            int k = subs.size();
            LongAdder published = new LongAdder();
            LongAdder lost = new LongAdder();
            Thread publisher = new Thread(() -> {
                if (s.publishRate > 0) {
                    double period = 1e9 / s.publishRate;
                    long t0 = System.nanoTime();
                    long j = 0;
                    while (m.running) {
                        long now = System.nanoTime();
                        long due = t0 + (long) (j * period);
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                            continue;
                        }
                        pub.send(p, due);
                        pub.flush();
                        published.increment();
                        j++;
                    }
                    return;
                }
                // windowed: at most publishWindow messages not yet delivered to every subscriber
                long sent = 0;
                long stalledSince = 0;
                long lastDelivered = -1;
                while (m.running) {
                    long delivered = m.total() + lost.sum();
                    if (sent * k - delivered < (long) s.publishWindow * k) {
                        pub.send(p, System.nanoTime());
                        pub.flush();
                        sent++;
                        published.increment();
                        stalledSince = 0;
                        continue;
                    }
                    long now = System.nanoTime();
                    if (delivered != lastDelivered) {
                        lastDelivered = delivered;
                        stalledSince = now;
                    } else if (now - stalledSince > 1_000_000_000L) {
                        // nothing arrived for a second: what is missing was dropped (a slow-consumer policy)
                        lost.add(sent * k - delivered);
                        stalledSince = now;
                    }
                    LockSupport.parkNanos(20_000);
                }
            }, "bench-publisher");
            publisher.setDaemon(true);
            publisher.start();
            long pub0 = 0;
            measure("broadcast", m, r, false, null, () -> published.sum());
            pub0 = m.extraAtStart;
            long pubCount = m.extraAtEnd - pub0;
            m.running = false;
            publisher.join(2000);
            r.add("deliveries_per_s", "deliveries", m.count / m.seconds, "msg/s");
            r.add("published_per_s", "messages published", pubCount / m.seconds, "msg/s");
            if (lost.sum() > 0) {
                r.add("lost", "deliveries missing (dropped?)", lost.sum(), "");
            }
            perServerCpu(r, m, "deliveries_per_server_cpu_s", "deliveries per server CPU-second", m.count, "msg/CPU-s");
            r.addLatency("delivery", "delivery", m.latency);
            cpuFigures(r, m);
            r.notes.add(s.publishRate > 0
                    ? "Publisher sends at a fixed rate; latency from each message's intended send time."
                    : "Publisher keeps at most " + s.publishWindow + " messages not yet delivered to every subscriber; "
                    + "latency from the publisher's send time to each subscriber's receipt.");
            pub.close();
            closeAll(subs);
        }
        return r;
    }

    // ------------------------------------------------------------------------------ machinery

    /**
     * Counts and latencies of the scenario's messages, and the time and CPU readings around the
     * measurement. Each loop thread counts and records into its own {@link Tally}; readers add the
     * tallies up.
     */
    static final class Meter {
        static final long MAX_MICROS = 3_600_000_000L;
        volatile boolean running = true;
        volatile boolean measuring;
        private final Tally[] tallies;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger closedAfterOpen = new AtomicInteger();
        final AtomicReference<String> failure = new AtomicReference<>();
        // the measurement's outcome
        long count;
        long bytes;
        double seconds;
        double selfCpu = -1;
        double serverCpu = -1;
        Histogram latency;
        Histogram lagHistogram;
        long extraAtStart;
        long extraAtEnd;

        /** @param loops the client's loop threads, the only callers of {@link #message} and {@link #afterRead} */
        Meter(int loops) {
            tallies = new Tally[loops];
            for (int i = 0; i < loops; i++) {
                tallies[i] = new Tally();
            }
        }

        /** A message arrived on {@code c}; call on {@code c}'s loop. {@code nanos} is its latency, or -1. */
        void message(Conn c, long length, long nanos) {
            Tally t = tallies[c.loop.index];
            t.add(length);
            if (nanos >= 0 && measuring) {
                t.hold(Math.min(nanos / 1000, MAX_MICROS));
            }
        }

        /** A read's messages were counted; call on {@code c}'s loop: publishes the latencies held. */
        void afterRead(Conn c) {
            tallies[c.loop.index].publish();
        }

        /** Messages so far (any thread). */
        long total() {
            long n = 0;
            for (Tally t : tallies) {
                n += (long) Tally.COUNT.getOpaque(t);
            }
            return n;
        }

        /** Payload bytes so far (any thread). */
        long totalBytes() {
            long n = 0;
            for (Tally t : tallies) {
                n += (long) Tally.BYTES.getOpaque(t);
            }
            return n;
        }

        /**
         * Puts the latencies published since the last call into {@code into} (reset first); the few a
         * loop holds for the read it is parsing go to the next interval. Any one thread at a time.
         */
        synchronized void interval(Histogram into) {
            into.reset();
            for (Tally t : tallies) {
                t.swap(into);
            }
        }
    }

    /**
     * One loop thread's counts and latencies. Counts are plain fields published with opaque writes
     * (whole values, seen by readers soon): no atomic read-modify-write per message. Latencies are
     * held in a small array during a read and recorded after it, in one writer critical section per
     * read (the scheme of HdrHistogram's recorders, which take one per value).
     */
    @SuppressWarnings("unused")
    static final class Tally {
        static final VarHandle COUNT;
        static final VarHandle BYTES;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                COUNT = l.findVarHandle(Tally.class, "count", long.class);
                BYTES = l.findVarHandle(Tally.class, "bytes", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long p0, p1, p2, p3, p4, p5, p6, p7; // two loops' counters never share a cache line
        private long count;
        private long bytes;
        private long q0, q1, q2, q3, q4, q5, q6, q7;
        private final long[] held = new long[256];
        private int heldCount;
        private final WriterReaderPhaser phaser = new WriterReaderPhaser();
        private volatile Histogram active = new Histogram(Meter.MAX_MICROS, 2);
        private Histogram inactive = new Histogram(Meter.MAX_MICROS, 2);

        /** The owning loop only. */
        void add(long length) {
            COUNT.setOpaque(this, count + 1);
            BYTES.setOpaque(this, bytes + length);
        }

        /** The owning loop only. */
        void hold(long micros) {
            held[heldCount++] = micros;
            if (heldCount == held.length) {
                publish();
            }
        }

        /** The owning loop only. */
        void publish() {
            int n = heldCount;
            if (n == 0) {
                return;
            }
            long e = phaser.writerCriticalSectionEnter();
            try {
                Histogram h = active;
                for (int i = 0; i < n; i++) {
                    h.recordValue(held[i]);
                }
            } finally {
                phaser.writerCriticalSectionExit(e);
            }
            heldCount = 0;
        }

        /** Adds what was published since the last swap to {@code into}. One reader at a time. */
        void swap(Histogram into) {
            phaser.readerLock();
            try {
                Histogram done = active;
                inactive.reset();
                active = inactive;
                phaser.flipPhase(); // waits for a writer still recording into done
                into.add(done);
                inactive = done;
            } finally {
                phaser.readerUnlock();
            }
        }
    }

    /** Counts opens and closes. */
    static class Base implements RawClient.Listener {
        final Meter m;

        Base(Meter m) {
            this.m = m;
        }

        @Override
        public void onOpen(Conn c) {
            m.opened.incrementAndGet();
        }

        @Override
        public void onMessage(Conn c, boolean text, long length, byte[] head, int headLen, long readAt) {}

        @Override
        public void afterRead(Conn c) {
            m.afterRead(c);
        }

        @Override
        public void onClose(Conn c, String why) {
            m.closed.incrementAndGet();
            if (c.isOpenedOnce()) {
                m.closedAfterOpen.incrementAndGet();
                if (why != null && m.running) {
                    m.failure.compareAndSet(null, why);
                }
            } else {
                m.failed.incrementAndGet();
                m.failure.compareAndSet(null, why);
            }
        }
    }

    private List<Conn> openAll(RawClient client, Target t, int n, RawClient.Listener l, Senders senders, Meter m,
                               Result r) throws InterruptedException, IOException {
        List<InetAddress> sources = RawClient.sources(t.address, n, 20_000);
        List<Conn> conns = new ArrayList<>(n);
        int base = m.opened.get();
        for (int i = 0; i < n; i++) {
            Conn c = client.open(t, sources.get(i % sources.size()), l, senders);
            c.index = i;
            conns.add(c);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (m.opened.get() - base + m.failed.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        if (m.failed.get() > 0 || m.opened.get() - base < n) {
            r.error = "could not open " + n + " connection" + (n == 1 ? "" : "s") + " to " + t.address + ": "
                    + (m.opened.get() - base) + " opened, " + m.failed.get() + " failed"
                    + (m.failure.get() != null ? " (" + m.failure.get() + ")" : " (timed out)");
            closeAll(conns);
            return null;
        }
        return conns;
    }

    private static void closeAll(List<Conn> conns) {
        for (Conn c : conns) {
            c.close();
        }
    }

    private void measure(String name, Meter m, Result r, boolean bytesPerSecond) throws InterruptedException {
        measure(name, m, r, bytesPerSecond, null, null);
    }

    private void measure(String name, Meter m, Result r, boolean bytesPerSecond, Recorder lag) throws InterruptedException {
        measure(name, m, r, bytesPerSecond, lag, null);
    }

    /** Warm-up, then the measured time: counts, latency, CPU of both processes, a per-second timeline. */
    private void measure(String name, Meter m, Result r, boolean bytesPerSecond, Recorder lag,
                         java.util.function.LongSupplier extra) throws InterruptedException {
        m.measuring = true;
        long warmEnd = System.nanoTime() + (long) (s.warmupSeconds * 1e9);
        long lastCount = m.total();
        while (System.nanoTime() < warmEnd) {
            long left = warmEnd - System.nanoTime();
            Thread.sleep(Math.max(1, Math.min(1000, left / 1_000_000)));
            long c = m.total();
            progress(String.format(Locale.ROOT, "%-9s warm-up %4.1fs  %,12.0f msg/s", name, Math.max(0, left / 1e9), (c - lastCount) * 1.0));
            lastCount = c;
            checkFailure(m);
        }
        Histogram window = new Histogram(Meter.MAX_MICROS, 2);
        m.interval(window); // drops the warm-up
        if (lag != null) {
            lag.getIntervalHistogram();
        }
        String pid = s.serverPid;
        long t0 = System.nanoTime();
        long c0 = m.total();
        long b0 = m.totalBytes();
        double self0 = ProcStats.cpuSeconds("self");
        double server0 = pid != null ? ProcStats.cpuSeconds(pid) : -1;
        m.extraAtStart = extra != null ? extra.getAsLong() : 0;
        long end = t0 + (long) (s.durationSeconds * 1e9);
        long tick = t0;
        long tickCount = c0;
        long tickBytes = b0;
        Histogram all = new Histogram(3_600_000_000L, 2);
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            long next = Math.min(end, tick + 1_000_000_000L);
            Thread.sleep(Math.max(1, (next - now) / 1_000_000));
            now = System.nanoTime();
            if (now < next) {
                continue;
            }
            long c = m.total();
            long b = m.totalBytes();
            double dt = (now - tick) / 1e9;
            double rate = bytesPerSecond ? (b - tickBytes) / dt / 1e6 : (c - tickCount) / dt;
            r.timeline.add(rate);
            m.interval(window);
            all.add(window);
            checkFailure(m);
            progress(String.format(Locale.ROOT, "%-9s %4.1f/%.0fs  %,12.0f %s  p99 %7.2f ms  generator CPU %3.0f%%%s", name,
                    (now - t0) / 1e9, s.durationSeconds, rate, bytesPerSecond ? "MB/s " : "msg/s",
                    window.getTotalCount() > 0 ? window.getValueAtPercentile(99) / 1000.0 : 0.0,
                    100 * (ProcStats.cpuSeconds("self") - self0) / ((now - t0) / 1e9),
                    pid != null ? String.format(Locale.ROOT, "  server CPU %3.0f%%",
                            100 * (ProcStats.cpuSeconds(pid) - server0) / ((now - t0) / 1e9)) : ""));
            tick = now;
            tickCount = c;
            tickBytes = b;
        }
        long t1 = System.nanoTime();
        m.count = m.total() - c0;
        m.bytes = m.totalBytes() - b0;
        m.selfCpu = ProcStats.cpuSeconds("self") - self0;
        m.serverCpu = pid != null ? ProcStats.cpuSeconds(pid) - server0 : -1;
        m.extraAtEnd = extra != null ? extra.getAsLong() : 0;
        m.seconds = (t1 - t0) / 1e9;
        m.measuring = false;
        m.interval(window);
        all.add(window);
        m.latency = all;
        if (lag != null) {
            m.lagHistogram = lag.getIntervalHistogram();
        }
        progressDone();
        if (m.failure.get() != null && r.error == null) {
            r.notes.add("a connection closed during the run: " + m.failure.get());
        }
    }

    private static void checkFailure(Meter m) {
        // a run goes on with the connections left; the result notes the first failure
    }

    private static void perServerCpu(Result r, Meter m, String key, String label, double amount, String unit) {
        if (m.serverCpu > 0) {
            r.add("server_cpu_s", "server CPU", m.serverCpu, "s");
            r.add("server_cores", "server cores busy", m.serverCpu / m.seconds, "");
            r.add(key, label, amount / m.serverCpu, unit);
        }
    }

    private static void cpuFigures(Result r, Meter m) {
        if (m.selfCpu >= 0) {
            r.add("generator_cpu_s", "generator CPU", m.selfCpu, "s");
            r.add("generator_cores", "generator cores busy", m.selfCpu / m.seconds, "");
        }
        r.add("seconds", "measured for", m.seconds, "s");
    }

    /** A scenario's result, its first parameters saying how it connects: ws or wss, and whom wss trusts. */
    private Result result(String scenario, URI url) {
        Result r = new Result(scenario, url.toString());
        boolean wss = isWss(url);
        r.param("scheme", wss ? "wss" : "ws");
        if (wss) {
            r.param("tls_trust", tls().trust);
        }
        return r;
    }

    static boolean isWss(URI url) {
        return "wss".equalsIgnoreCase(url.getScheme());
    }

    private TlsClient tls() {
        if (s.tls == null) {
            s.tls = TlsClient.system();
        }
        return s.tls;
    }

    private Target target(URI url, String extraQuery) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String q = url.getRawQuery();
        if (extraQuery != null) {
            q = q == null ? extraQuery : q + "&" + extraQuery;
        }
        boolean wss = isWss(url);
        int port = url.getPort() != -1 ? url.getPort() : wss ? 443 : 80;
        return new Target(url.getHost().replaceAll("^\\[|\\]$", ""), port, q == null ? path : path + "?" + q,
                wss ? tls() : null);
    }

    // ------------------------------------------------------------------------------ progress

    private int progressWidth;

    private void progress(String line) {
        if (!s.progress || progressOut == null) {
            return;
        }
        String pad = line.length() < progressWidth ? " ".repeat(progressWidth - line.length()) : "";
        progressOut.print("\r" + line + pad);
        progressOut.flush();
        progressWidth = line.length();
    }

    private void progressDone() {
        if (s.progress && progressOut != null && progressWidth > 0) {
            progressOut.print("\r" + " ".repeat(progressWidth) + "\r");
            progressOut.flush();
            progressWidth = 0;
        }
    }
}
