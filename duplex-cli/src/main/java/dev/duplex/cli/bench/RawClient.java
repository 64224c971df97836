package dev.duplex.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The load generator's WebSocket client for ws:// and wss:// URLs: a few selector threads, no per-message
 * allocation, frames pre-masked once per scenario ({@link Payload}), received messages parsed as a
 * stream whose payload is skipped except its first bytes (the send stamp). It opens connections
 * from chosen source addresses (many 127.0.0.x for 10,000s of connections) and never allocates a
 * buffer for an idle connection.
 *
 * <p>wss://: each connection has a client-mode {@link SSLEngine} driven from its loop without
 * blocking (delegated tasks run inline). Reads decrypt into the loop's buffer; a connection holds an
 * encrypted buffer only while it has a partial record read or records not yet written.
 *
 * <p>Threads: each connection belongs to one loop, which reads it. Whoever opens a connection says
 * who sends on it ({@link Senders}): only the loop (echo: reply on receipt), so that sends and
 * flushes take no lock, or also one other thread (the pacer or the publisher), so that
 * {@link Conn#send} and {@link Conn#flush} lock the connection.
 */
final class RawClient implements AutoCloseable {
    /** What the scenarios hear from their connections. Called on the connection's loop. */
    interface Listener {
        void onOpen(Conn c);

        /**
         * A whole message arrived: its payload length and its first {@code headLen} bytes
         * (at most {@link Conn#HEAD}), where senders put a stamp; {@code readAt} is
         * {@link System#nanoTime} when the read that completed it returned (one clock read per read,
         * not per message).
         */
        void onMessage(Conn c, boolean text, long length, byte[] head, int headLen, long readAt);

        /**
         * The messages of one read were delivered (those {@code onMessage} calls are over): a time
         * for per-read work, such as publishing what they counted.
         */
        default void afterRead(Conn c) {}

        /** The connection failed to open or closed; {@code why} is null for a close we asked for. */
        void onClose(Conn c, String why);
    }

    /** Which threads call {@link Conn#send} and {@link Conn#flush} on a connection. */
    enum Senders {
        /** Only the connection's loop, from the listener's callbacks: no lock per message. */
        LOOP,
        /** Also one other thread (a pacer, a publisher): sends and flushes lock the connection. */
        ANY
    }

    private final Loop[] loops;
    private int next;

    RawClient(int threads) {
        loops = new Loop[threads];
        for (int i = 0; i < threads; i++) {
            try {
                loops[i] = new Loop(i);
            } catch (IOException e) {
                throw new IllegalStateException("cannot open a selector", e);
            }
            loops[i].start();
        }
    }

    /**
     * Starts opening a connection; the listener hears {@code onOpen} or {@code onClose}.
     *
     * @param source local address to bind (null: any)
     */
    Conn open(Target target, InetAddress source, Listener listener, Senders senders) {
        Loop loop = loops[next++ % loops.length];
        Conn c = new Conn(loop, target, listener, senders);
        loop.execute(() -> c.connect(source));
        return c;
    }

    @Override
    public void close() {
        for (Loop l : loops) {
            l.shutdown();
        }
        for (Loop l : loops) {
            try {
                l.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Where to connect: host, port and request target, with the handshake request made once. */
    static final class Target {
        final InetSocketAddress address;
        final byte[] request;
        /** For wss://, else null. */
        final TlsClient tls;
        final String host;
        final int port;

        Target(String host, int port, String pathAndQuery) {
            this(host, port, pathAndQuery, null);
        }

        Target(String host, int port, String pathAndQuery, TlsClient tls) {
            this.address = new InetSocketAddress(host, port);
            this.tls = tls;
            this.host = host;
            this.port = port;
            String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String req = "GET " + pathAndQuery + " HTTP/1.1\r\n"
                    + "Host: " + hostHeader + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "User-Agent: duplex-bench\r\n\r\n";
            this.request = req.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * A message shape for one scenario: the whole client frame, masked once with a fixed key. A send
     * copies it (or, when large, copies its front and shares its body) and writes a stamp into its
     * first payload bytes: 8 bytes big-endian for binary, 16 lowercase hex digits for text.
     */
    static final class Payload {
        final boolean text;
        final int size;
        final int headerLen;
        final byte[] maskKey = new byte[4];
        final ByteBuffer frame; // read-only, direct
        final int stampLen;
        /** The frame's first bytes on the heap: all of it when small, else header and stamp. */
        final byte[] front;
        /** The mask key twice, big-endian: the stamp starts the payload, so its 8-byte words mask with this. */
        private final long mask8;

        Payload(boolean text, int size) {
            this.text = text;
            this.size = size;
            this.stampLen = text ? 16 : 8;
            if (size < stampLen) {
                throw new IllegalArgumentException("a " + (text ? "text" : "binary") + " message must have at least "
                        + stampLen + " bytes to carry its send time, not " + size);
            }
            ThreadLocalRandom.current().nextBytes(maskKey);
            maskKey[0] |= 1; // never all zero
            mask8 = Stamps.mask8(maskKey);
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) ('a' + i % 26); // ASCII: valid UTF-8 for text
            }
            int len = size <= 125 ? 2 : size <= 65535 ? 4 : 10;
            this.headerLen = len + 4;
            ByteBuffer f = ByteBuffer.allocateDirect(headerLen + size);
            f.put((byte) (0x80 | (text ? 1 : 2)));
            if (size <= 125) {
                f.put((byte) (0x80 | size));
            } else if (size <= 65535) {
                f.put((byte) (0x80 | 126)).putShort((short) size);
            } else {
                f.put((byte) (0x80 | 127)).putLong(size);
            }
            f.put(maskKey);
            for (int i = 0; i < size; i++) {
                f.put((byte) (payload[i] ^ maskKey[i & 3]));
            }
            f.flip();
            this.frame = f.asReadOnlyBuffer();
            this.front = new byte[small() ? f.remaining() : headerLen + stampLen];
            f.get(0, front);
        }

        /** Whether a send copies the whole frame (else it copies {@link #front} and shares the rest). */
        boolean small() {
            return headerLen + size <= Loop.AGG / 2;
        }

        /**
         * Writes the masked stamp at {@code at} (the frame's first payload byte) of {@code out}, a
         * big-endian buffer: two 8-byte words for text, one for binary.
         */
        void stamp(ByteBuffer out, int at, long stamp) {
            if (text) {
                out.putLong(at, Stamps.hex(stamp >>> 32) ^ mask8);
                out.putLong(at + 8, Stamps.hex(stamp) ^ mask8);
            } else {
                out.putLong(at, stamp ^ mask8);
            }
        }

        /** The stamp in a received message's first bytes, or -1 when there is none. */
        long readStamp(byte[] head, int headLen) {
            if (headLen < stampLen) {
                return -1;
            }
            return text ? Stamps.readText(head, 0) : Stamps.readBinary(head, 0);
        }
    }

    /** A selector thread. */
    static final class Loop extends Thread {
        static final int READ_BUFFER = 256 << 10;
        static final int AGG = 16 << 10;
        final int index;
        final Selector selector;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
        final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>();
        /** wss://: encrypted bytes waiting to be written, or a partial record read (one per connection while needed). */
        static final int NET = 80 << 10;
        final ArrayDeque<ByteBuffer> netPool = new ArrayDeque<>();
        /** wss://: what one read decrypts to (the loop's, made on first use). */
        private ByteBuffer plain;
        volatile boolean running = true;

        Loop(int index) throws IOException {
            super("bench-loop-" + index);
            this.index = index;
            setDaemon(true);
            selector = Selector.open();
        }

        void execute(Runnable r) {
            tasks.add(r);
            selector.wakeup();
        }

        void shutdown() {
            running = false;
            selector.wakeup();
        }

        synchronized ByteBuffer borrow() {
            ByteBuffer b = pool.poll();
            return b != null ? b : ByteBuffer.allocateDirect(AGG);
        }

        synchronized void giveBack(ByteBuffer b) {
            b.clear();
            if (pool.size() < 1024) {
                pool.add(b);
            }
        }

        synchronized ByteBuffer borrowNet() {
            ByteBuffer b = netPool.poll();
            return b != null ? b : ByteBuffer.allocateDirect(NET);
        }

        synchronized void giveBackNet(ByteBuffer b) {
            b.clear();
            if (b.capacity() == NET && netPool.size() < 256) {
                netPool.add(b);
            }
        }

        ByteBuffer plain() {
            if (plain == null) {
                plain = ByteBuffer.allocateDirect(READ_BUFFER);
            }
            return plain;
        }

        private void ready(SelectionKey k) {
            Conn c = (Conn) k.attachment();
            try {
                if (!k.isValid()) {
                    return;
                }
                if (k.isConnectable()) {
                    c.finishConnect();
                } else {
                    if (k.isWritable()) {
                        c.onWritable();
                    }
                    if (k.isValid() && k.isReadable()) {
                        c.onReadable(readBuffer);
                    }
                }
            } catch (SSLException e) {
                c.fail(c.tlsFailure(e));
            } catch (IOException | RuntimeException e) {
                c.fail(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Runnable r;
                    while ((r = tasks.poll()) != null) {
                        r.run();
                    }
                    selector.select(this::ready, 100); // no selected-key set to fill and empty
                }
            } catch (IOException | ClosedSelectorException e) {
                // closing
            } finally {
                for (SelectionKey k : selector.keys()) {
                    try {
                        k.channel().close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                try {
                    selector.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    /** One WebSocket connection of the generator. */
    static final class Conn {
        static final int HEAD = 16;
        private static final byte[] HTTP_END = {'\r', '\n', '\r', '\n'};

        final Loop loop;
        final Target target;
        final Listener listener;
        /** Only the loop sends and flushes ({@link Senders#LOOP}): those take no lock. */
        private final boolean confined;
        /** The scenario's per-connection state. */
        Object attachment;
        int index;

        private SocketChannel ch;
        private SelectionKey key;
        private volatile boolean open;
        private boolean closed;
        private byte[] httpHead; // the handshake answer so far
        private int httpLen;

        // outbound: under the lock, or on the loop only when confined
        private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(4);
        private ByteBuffer agg;
        private ByteBuffer[] gather = new ByteBuffer[8];
        private boolean waitingWritable;

        // inbound frame parser (loop thread only)
        private final byte[] hdr = new byte[14];
        private int hdrHave;
        private int hdrNeed = 2;
        private long payloadLeft = -1; // -1: reading a header
        private int opcode;
        private int msgOpcode;
        private boolean fin;
        private long msgLen;
        private final byte[] head = new byte[HEAD];
        private int headLen;
        private byte[] control;
        private int controlLen;
        private long readAt; // when the read being parsed returned

        // wss:// only (engine null for ws://)
        private SSLEngine engine;
        private boolean tlsReady; // the TLS handshake is over
        private int plainRoom;    // room an unwrap needs
        private ByteBuffer netOut; // encrypted, not yet written (write mode); guarded like pending
        private ByteBuffer netIn;  // a partial record from the last read (loop thread only)

        Conn(Loop loop, Target target, Listener listener, Senders senders) {
            this.loop = loop;
            this.target = target;
            this.listener = listener;
            this.confined = senders == Senders.LOOP;
        }

        boolean isOpen() {
            return open && !closed;
        }

        /** Whether the handshake completed (even if the connection closed since). */
        boolean isOpenedOnce() {
            return open;
        }

        // ------------------------------------------------------------------ connect + handshake

        void connect(InetAddress source) {
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (source != null) {
                    ch.bind(new InetSocketAddress(source, 0));
                }
                key = ch.register(loop.selector, 0, this);
                if (ch.connect(target.address)) {
                    finishConnect();
                } else {
                    key.interestOps(SelectionKey.OP_CONNECT);
                }
            } catch (SSLException e) {
                fail(tlsFailure(e));
            } catch (IOException | RuntimeException e) {
                fail("connect: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }

        void finishConnect() throws IOException {
            if (!ch.finishConnect()) {
                return;
            }
            if (target.tls != null) {
                key.interestOps(SelectionKey.OP_READ);
                engine = target.tls.engine(target.host, target.port);
                plainRoom = engine.getSession().getApplicationBufferSize();
                engine.beginHandshake();
                driveHandshake();
                return;
            }
            ByteBuffer req = ByteBuffer.wrap(target.request);
            ch.write(req);
            if (req.hasRemaining()) {
                throw new IOException("could not send the handshake request at once");
            }
            httpHead = new byte[512];
            key.interestOps(SelectionKey.OP_READ);
        }

        private void onHandshakeBytes(ByteBuffer in) throws IOException {
            while (in.hasRemaining()) {
                if (httpLen == httpHead.length) {
                    if (httpLen >= 16384) {
                        throw new IOException("handshake answer too long");
                    }
                    httpHead = java.util.Arrays.copyOf(httpHead, httpLen * 2);
                }
                httpHead[httpLen++] = in.get();
                if (httpLen >= 4 && httpHead[httpLen - 1] == '\n' && httpHead[httpLen - 2] == '\r'
                        && httpHead[httpLen - 3] == '\n' && httpHead[httpLen - 4] == '\r') {
                    String status = new String(httpHead, 0, Math.min(httpLen, 64), StandardCharsets.ISO_8859_1);
                    int eol = status.indexOf('\r');
                    status = eol > 0 ? status.substring(0, eol) : status;
                    httpHead = null;
                    if (!status.startsWith("HTTP/1.1 101")) {
                        throw new IOException("handshake refused: " + status);
                    }
                    open = true;
                    listener.onOpen(this);
                    return;
                }
            }
        }

        // ------------------------------------------------------------------ outbound

        /** Queues one message of {@code p} carrying {@code stamp}; {@link #flush} writes it. */
        void send(Payload p, long stamp) {
            if (confined) {
                checkOnLoop();
                queue(p, stamp);
            } else {
                synchronized (this) {
                    queue(p, stamp);
                }
            }
        }

        private void checkOnLoop() {
            if (Thread.currentThread() != loop) {
                throw new IllegalStateException("a connection opened for sends from its loop only was sent on from "
                        + Thread.currentThread().getName());
            }
        }

        private void queue(Payload p, long stamp) {
            if (closed) {
                return;
            }
            byte[] front = p.front;
            ByteBuffer a = aggregator(front.length);
            int at = a.position();
            a.put(front);
            p.stamp(a, at + p.headerLen, stamp);
            if (!p.small()) {
                seal();
                pending.add(p.frame.duplicate().position(front.length));
            }
        }

        private ByteBuffer aggregator(int need) {
            if (agg != null && agg.remaining() < need) {
                seal();
            }
            if (agg == null) {
                agg = loop.borrow();
            }
            return agg;
        }

        private void seal() {
            if (agg != null) {
                agg.flip();
                pending.add(agg);
                agg = null;
            }
        }

        /** Writes what is queued, as much as the socket takes; the rest waits for writability. */
        void flush() {
            if (confined) {
                checkOnLoop();
                flushNow();
            } else {
                synchronized (this) {
                    flushNow();
                }
            }
        }

        private void flushNow() {
            if (closed || waitingWritable) {
                return;
            }
            try {
                if (engine != null) {
                    writeTls();
                } else {
                    writeOut();
                }
            } catch (IOException e) {
                failLater(e.getMessage());
            }
        }

        void onWritable() throws IOException {
            synchronized (this) {
                waitingWritable = false;
                if (engine != null) {
                    writeTls();
                } else {
                    writeOut();
                }
                if (!waitingWritable && key.isValid()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (engine != null && !tlsReady && !closed) {
                driveHandshake(); // a handshake write had waited for room
                ByteBuffer spill = netIn;
                if (spill != null && !tlsReady && !closed) {
                    netIn = null;
                    spill.flip();
                    decrypt(spill);
                    if (closed || !spill.hasRemaining()) {
                        loop.giveBackNet(spill);
                    } else {
                        netIn = spill.compact();
                    }
                }
            }
        }

        /** Drops the fully written buffers at the head of the queue, returning borrowed ones. */
        private void releaseWritten() {
            while (!pending.isEmpty() && !pending.peek().hasRemaining()) {
                ByteBuffer done = pending.poll();
                if (!done.isReadOnly()) {
                    loop.giveBack(done);
                }
            }
        }

        private void writeOut() throws IOException {
            seal();
            while (!pending.isEmpty()) {
                long written;
                if (pending.size() == 1) {
                    written = ch.write(pending.peek()); // write, not writev
                } else {
                    int n = Math.min(pending.size(), gather.length);
                    int i = 0;
                    for (ByteBuffer b : pending) {
                        if (i == n) {
                            break;
                        }
                        gather[i++] = b;
                    }
                    written = ch.write(gather, 0, n);
                    for (int j = 0; j < n; j++) {
                        gather[j] = null;
                    }
                }
                releaseWritten();
                if (!pending.isEmpty() && written == 0 || !pending.isEmpty() && pending.peek().hasRemaining()) {
                    waitingWritable = true;
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    loop.selector.wakeup();
                    return;
                }
            }
        }

        /** Queued bytes not yet written (for senders that bound their backlog). */
        synchronized long queued() {
            long n = agg != null ? agg.position() : 0;
            n += netOut != null ? netOut.position() : 0;
            for (ByteBuffer b : pending) {
                n += b.remaining();
            }
            return n;
        }

        private void sendControl(int op, byte[] payload, int len) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                ByteBuffer a = aggregator(6 + len);
                byte[] k = new byte[4];
                ThreadLocalRandom.current().nextBytes(k);
                a.put((byte) (0x80 | op)).put((byte) (0x80 | len)).put(k);
                for (int i = 0; i < len; i++) {
                    a.put((byte) (payload[i] ^ k[i & 3]));
                }
            }
            flush();
        }

        /** Sends a close frame (1000) and closes the socket. */
        void close() {
            if (loop == Thread.currentThread()) {
                closeNow();
            } else {
                loop.execute(this::closeNow);
            }
        }

        private void closeNow() {
            if (closed) {
                return;
            }
            if (open) {
                sendControl(8, new byte[] {0x03, (byte) 0xE8}, 2);
            }
            shut(null);
        }

        void fail(String why) {
            shut(why == null ? "failed" : why);
        }

        private void failLater(String why) {
            if (loop == Thread.currentThread()) {
                fail(why);
            } else {
                loop.execute(() -> fail(why));
            }
        }

        private void shut(String why) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                for (ByteBuffer b : pending) {
                    if (!b.isReadOnly()) {
                        loop.giveBack(b);
                    }
                }
                pending.clear();
                if (agg != null) {
                    loop.giveBack(agg);
                    agg = null;
                }
                if (netOut != null) {
                    loop.giveBackNet(netOut);
                    netOut = null;
                }
            }
            if (netIn != null) {
                loop.giveBackNet(netIn);
                netIn = null;
            }
            try {
                if (ch != null) {
                    ch.close();
                }
            } catch (IOException e) {
                // closed anyway
            }
            listener.onClose(this, why);
        }

        // ------------------------------------------------------------------ TLS (wss://)

        /** A TLS failure in words a user can act on (what failed in the handshake and the fix). */
        String tlsFailure(SSLException e) {
            if (tlsReady) {
                return "TLS: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
            return TlsClient.explain(e, target.host);
        }

        /** Runs the handshake as far as it goes without blocking; when it is over, sends the upgrade request. */
        private void driveHandshake() throws IOException {
            while (!tlsReady && !closed) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> {
                        synchronized (this) {
                            if (!waitingWritable) {
                                writeTls();
                            }
                        }
                        if (waitingWritable || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                            return; // onWritable goes on
                        }
                    }
                    case NOT_HANDSHAKING, FINISHED -> {
                        tlsReady = true;
                        httpHead = new byte[512];
                        synchronized (this) {
                            pending.add(ByteBuffer.wrap(target.request).asReadOnlyBuffer());
                        }
                        flush();
                    }
                    default -> {
                        return; // NEED_UNWRAP: the server's turn
                    }
                }
            }
        }

        private void runTasks() {
            Runnable t;
            while ((t = engine.getDelegatedTask()) != null) {
                t.run();
            }
        }

        /** Encrypts what is queued and writes it, as much as the socket takes; under the lock or confined. */
        private void writeTls() throws IOException {
            seal();
            while (true) {
                if (netOut != null && netOut.position() > 0) {
                    netOut.flip();
                    ch.write(netOut);
                    boolean left = netOut.hasRemaining();
                    netOut.compact();
                    if (left) {
                        waitingWritable = true;
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        loop.selector.wakeup();
                        return;
                    }
                }
                if (pending.isEmpty() && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
                    break;
                }
                if (netOut == null) {
                    netOut = loop.borrowNet();
                }
                if (!wrapSome()) {
                    break;
                }
            }
            if (netOut != null && netOut.position() == 0) {
                loop.giveBackNet(netOut); // nothing waits: an idle connection holds no buffer
                netOut = null;
            }
        }

        /** Wraps queued frames (or handshake messages) into {@link #netOut} until it is full; false if none was made. */
        private boolean wrapSome() throws IOException {
            boolean made = false;
            while (!pending.isEmpty() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                int n = 0;
                for (ByteBuffer b : pending) {
                    if (n == gather.length) {
                        break;
                    }
                    gather[n++] = b;
                }
                SSLEngineResult res;
                try {
                    res = engine.wrap(gather, 0, n, netOut);
                } finally {
                    for (int j = 0; j < n; j++) {
                        gather[j] = null;
                    }
                }
                releaseWritten();
                switch (res.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        if (netOut.position() == 0) {
                            throw new IOException("a TLS record does not fit " + netOut.capacity() + " bytes");
                        }
                        return true; // write, then wrap on
                    }
                    case CLOSED -> throw new IOException("the TLS session is closed");
                    default -> {
                    }
                }
                if (res.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                if (res.bytesProduced() == 0 && res.bytesConsumed() == 0) {
                    break; // nothing to wrap now (the engine waits for the server)
                }
                made = true;
            }
            return made;
        }

        private void onReadableTls(ByteBuffer buf) throws IOException {
            for (int rounds = 0; rounds < 4; rounds++) {
                buf.clear();
                if (netIn != null) { // the start of a record from the last read
                    netIn.flip();
                    buf.put(netIn);
                    loop.giveBackNet(netIn);
                    netIn = null;
                }
                int room = buf.remaining();
                int n = ch.read(buf);
                readAt = System.nanoTime();
                if (n < 0) {
                    shut(open ? "closed by the server" : tlsReady ? "closed by the server during the handshake"
                            : "closed by the server during the TLS handshake (does it speak TLS? does it want a"
                            + " client certificate?)");
                    return;
                }
                buf.flip();
                decrypt(buf);
                if (closed) {
                    return;
                }
                if (buf.hasRemaining()) {
                    netIn = buf.remaining() <= Loop.NET ? loop.borrowNet() : ByteBuffer.allocateDirect(buf.remaining());
                    netIn.put(buf);
                }
                if (n < room) {
                    break;
                }
            }
            listener.afterRead(this);
            flush(); // replies made while parsing go out in one write
        }

        /** Decrypts whole records of {@code src} and parses them; a partial record stays in {@code src}. */
        private void decrypt(ByteBuffer src) throws IOException {
            ByteBuffer plain = loop.plain();
            plain.clear();
            boolean wrap = false;
            while (src.hasRemaining() && !closed) {
                if (plain.remaining() < plainRoom) {
                    deliver(plain);
                }
                boolean wasReady = tlsReady;
                SSLEngineResult res = engine.unwrap(src, plain);
                SSLEngineResult.Status st = res.getStatus();
                if (st == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break; // a partial record: the rest comes with the next read
                }
                if (st == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    plainRoom = Math.max(plainRoom, engine.getSession().getApplicationBufferSize());
                    if (plain.position() == 0 && plain.capacity() < plainRoom) {
                        throw new IOException("a TLS record does not fit " + plain.capacity() + " bytes");
                    }
                    deliver(plain);
                    continue;
                }
                if (st == SSLEngineResult.Status.CLOSED) {
                    deliver(plain);
                    shut(open ? "closed by the server (TLS close_notify)" : "closed by the server during the handshake");
                    return;
                }
                HandshakeStatus hs = res.getHandshakeStatus();
                if (!tlsReady) {
                    driveHandshake();
                    if (!tlsReady && engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
                        break; // a handshake write waits for room; the rest waits in netIn
                    }
                } else if (hs == HandshakeStatus.NEED_TASK) {
                    runTasks();
                } else if (hs == HandshakeStatus.NEED_WRAP) {
                    wrap = true; // a post-handshake message to answer
                }
                if (wasReady && res.bytesConsumed() == 0 && res.bytesProduced() == 0) {
                    break; // no progress (in a handshake, driveHandshake made some)
                }
            }
            deliver(plain);
            if (!tlsReady && !closed) {
                driveHandshake();
            }
            if (wrap && !closed) {
                flush();
            }
        }

        /** Parses what {@link #decrypt} put in {@code plain} (write mode) and empties it. */
        private void deliver(ByteBuffer plain) throws IOException {
            if (plain.position() == 0) {
                return;
            }
            plain.flip();
            if (httpHead != null) {
                onHandshakeBytes(plain);
            }
            if (open && !closed) {
                parse(plain);
            }
            plain.clear();
        }

        // ------------------------------------------------------------------ inbound

        void onReadable(ByteBuffer buf) throws IOException {
            if (engine != null) {
                onReadableTls(buf);
                return;
            }
            for (int rounds = 0; rounds < 4; rounds++) {
                buf.clear();
                int n = ch.read(buf);
                readAt = System.nanoTime();
                if (n < 0) {
                    shut(open ? "closed by the server"
                            : "closed by the server during the handshake (if it serves TLS, use wss://)");
                    return;
                }
                if (n == 0) {
                    break;
                }
                buf.flip();
                if (httpHead != null) {
                    onHandshakeBytes(buf);
                }
                if (open) {
                    parse(buf);
                }
                if (closed || n < buf.capacity()) {
                    break;
                }
            }
            listener.afterRead(this);
            flush(); // replies made while parsing go out in one write
        }

        private void parse(ByteBuffer in) throws IOException {
            while (in.hasRemaining() && !closed) {
                if (payloadLeft < 0 && hdrHave == 0 && in.remaining() >= 2 && (in.get(in.position() + 1) & 0x7F) < 126) {
                    // a whole two-byte header (payload under 126 bytes), the common case: no copy to hdr
                    int at = in.position();
                    byte b0 = in.get(at);
                    byte b1 = in.get(at + 1);
                    in.position(at + 2);
                    if ((b1 & 0x80) != 0) {
                        throw new IOException("the server sent a masked frame");
                    }
                    frameStart(b0, b1 & 0x7F);
                } else if (payloadLeft < 0) {
                    // header, in pieces or with an extended length
                    while (hdrHave < hdrNeed && in.hasRemaining()) {
                        hdr[hdrHave++] = in.get();
                        if (hdrHave == 2) {
                            int l = hdr[1] & 0x7F;
                            if ((hdr[1] & 0x80) != 0) {
                                throw new IOException("the server sent a masked frame");
                            }
                            hdrNeed = l == 126 ? 4 : l == 127 ? 10 : 2;
                        }
                    }
                    if (hdrHave < hdrNeed) {
                        return;
                    }
                    int l = hdr[1] & 0x7F;
                    long len;
                    if (l == 126) {
                        len = ((hdr[2] & 0xFF) << 8) | (hdr[3] & 0xFF);
                    } else if (l == 127) {
                        long v = 0;
                        for (int i = 2; i < 10; i++) {
                            v = (v << 8) | (hdr[i] & 0xFF);
                        }
                        len = v;
                    } else {
                        len = l;
                    }
                    hdrHave = 0;
                    hdrNeed = 2;
                    frameStart(hdr[0], len);
                }
                // payload
                int take = (int) Math.min(payloadLeft, in.remaining());
                if (opcode >= 8) {
                    in.get(control, controlLen, take);
                    controlLen += take;
                } else {
                    int h = Math.min(take, HEAD - headLen);
                    if (h > 0) {
                        in.get(head, headLen, h);
                        headLen += h;
                    }
                    in.position(in.position() + (take - Math.max(h, 0)));
                    msgLen += take;
                }
                payloadLeft -= take;
                if (payloadLeft == 0) {
                    payloadLeft = -1;
                    frameDone();
                }
            }
        }

        private void frameStart(byte b0, long len) {
            fin = (b0 & 0x80) != 0;
            opcode = b0 & 0x0F;
            payloadLeft = len;
            if (opcode >= 8) {
                if (control == null) {
                    control = new byte[125];
                }
                controlLen = 0;
            } else if (opcode != 0) {
                msgOpcode = opcode;
                msgLen = 0;
                headLen = 0;
            }
        }

        private void frameDone() {
            switch (opcode) {
                case 8 -> { // close: answer and go
                    sendControl(8, control, Math.min(controlLen, 2));
                    shut("closed by the server" + (controlLen >= 2
                            ? " with " + (((control[0] & 0xFF) << 8) | (control[1] & 0xFF)) : ""));
                }
                case 9 -> sendControl(10, control, controlLen);
                case 10 -> {
                    // pong: nothing to do
                }
                default -> {
                    if (fin) {
                        listener.onMessage(this, msgOpcode == 1, msgLen, head, headLen, readAt);
                    }
                }
            }
        }
    }

    /** Source addresses for {@code n} connections to a loopback target: 127.0.0.1, .2, ... as ports need. */
    static List<InetAddress> sources(InetSocketAddress target, int n, int perAddress) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        if (!target.getAddress().isLoopbackAddress() || !(target.getAddress() instanceof java.net.Inet4Address)
                || n <= perAddress) {
            out.add(null);
            return out;
        }
        int k = (n + perAddress - 1) / perAddress;
        for (int i = 1; i <= k && i < 255; i++) {
            out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
        }
        return out;
    }
}
