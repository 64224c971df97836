package dev.duplex.internal;

import dev.duplex.PreparedMessage;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketHandler;
import dev.duplex.protocol.CloseStatus;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Output;
import dev.duplex.protocol.ProtocolConfig;
import dev.duplex.protocol.ProtocolListener;
import dev.duplex.protocol.extension.Extension;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open WebSocket: joins the protocol core, the socket and the application's handler. All
 * state is touched on the connection's event loop; the {@link WebSocket} methods may be called
 * from any thread and hop onto the loop.
 */
public final class Session implements WebSocket, ProtocolListener, Output, SocketEndpoint.Stage {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final VarHandle NOT_YET_QUEUED;

    static {
        try {
            NOT_YET_QUEUED = MethodHandles.lookup().findVarHandle(Session.class, "notYetQueued", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SocketEndpoint endpoint;
    private final Connection core;
    private final WebSocketHandler handler;
    private final SessionSettings settings;
    private final Executor dispatch;
    /** Whether the handler takes text as bytes ({@code onTextBytes}) rather than as a String. */
    private final boolean wantsTextBytes;
    private final String subprotocol;
    /** The request target as sent; parsed into a URI only when asked for. */
    private final String requestTarget;
    private URI requestUri;
    private final InetSocketAddress remote;

    /** Bytes sent from other threads and not yet queued on the loop (see {@link #admit}). */
    private volatile long notYetQueued;
    private volatile long queued;
    private volatile boolean open = true;
    private volatile Map<String, Object> attributes;

    private java.util.List<Runnable> onRelease;
    /** The server's list of open connections, which this one is linked into (null for a client). */
    private SessionList registry;
    Session registryPrev;
    Session registryNext;
    /** Why we cut the connection ourselves, reported instead of 1006 when the socket closes. */
    private CloseStatus localFailure;
    private boolean overHighWatermark;
    private boolean closeReported;
    private long lastHeardNanos;
    /** The timer for ping, idle and close deadlines, made only when one is set. */
    private Deadlines deadlines;

    public Session(SocketEndpoint endpoint, boolean server, List<Extension> extensions, String subprotocol,
                   String requestTarget, WebSocketHandler handler, SessionSettings settings) {
        this.endpoint = endpoint;
        this.handler = handler;
        this.settings = settings;
        this.dispatch = settings.executor() == null ? null : new SerialExecutor(settings.executor());
        int wants = HANDLER_WANTS.get(handler.getClass());
        this.wantsTextBytes = (wants & WANTS_TEXT_BYTES) != 0;
        this.subprotocol = subprotocol;
        this.requestTarget = requestTarget;
        this.remote = address(endpoint, true);
        // A streaming handler gets a config that delivers parts; the core keeps the choice, so
        // the session needs no field for it, and withParts returns the same shared instance
        // for every connection (the settings' own for a handler that does not stream).
        ProtocolConfig protocol = settings.protocol().withParts(
                (wants & WANTS_TEXT_PARTS) != 0, (wants & WANTS_BINARY_PARTS) != 0);
        this.core = server
                ? Connection.server(protocol, extensions, this, this)
                : Connection.client(protocol, extensions, this, this);
    }

    /** Asked of the engine, which keeps the session anyway: a field here would cost every idle connection. */
    @Override
    public Optional<SSLSession> tlsSession() {
        return endpoint.transport() instanceof TlsTransport tls
                ? Optional.of(tls.engine().getSession())
                : Optional.empty();
    }

    private static InetSocketAddress address(SocketEndpoint e, boolean remote) {
        try {
            return (InetSocketAddress) (remote ? e.transport().channel().getRemoteAddress()
                    : e.transport().channel().getLocalAddress());
        } catch (IOException | RuntimeException ex) {
            return null;
        }
    }

    /** Links this session into {@code list} until its socket is closed. */
    void registerIn(SessionList list) {
        registry = list;
        list.add(this);
    }

    /** Runs {@code r} once the socket is closed. */
    public void onRelease(Runnable r) {
        if (onRelease == null) {
            onRelease = new java.util.ArrayList<>(2);
        }
        onRelease.add(r);
    }

    /** The loop that owns this connection. */
    public EventLoop loop() {
        return endpoint.loop();
    }

    /** The socket this session runs on. */
    public SocketEndpoint endpoint() {
        return endpoint;
    }

    /** Takes over the socket: call on the loop once the handshake response is sent or read. */
    public void open() {
        endpoint.stage(this);
        endpoint.trimWhenDrained(); // the handshake response is the last thing an idle connection sends
        long now = System.nanoTime();
        lastHeardNanos = now;
        if (!settings.pingInterval().isZero()) {
            deadlines().nextPingNanos = now + settings.pingInterval().toNanos();
        }
        armTimer(now);
        endpoint.loop().stats().add(LoopStats.OPENED, 1);
        call(() -> handler.onOpen(this));
    }

    // ------------------------------------------------------------ bytes in (loop)

    @Override
    public void onData(ByteBuffer in) {
        lastHeardNanos = System.nanoTime();
        core.receive(in);
    }

    @Override
    public void onEnd() {
        core.receiveEnd();
        endpoint.closeAfterFlush();
    }

    @Override
    public void onTransportClosed(Throwable cause) {
        if (core.state() != Connection.State.CLOSED) {
            if (cause != null && localFailure == null) {
                call(() -> handler.onError(this, cause));
            }
            core.receiveEnd();
        }
        stopTimer();
        if (registry != null) {
            registry.remove(this);
        }
        if (onRelease != null) {
            for (Runnable r : onRelease) {
                r.run();
            }
        }
    }

    @Override
    public void onFlushed(long pending) {
        queued = pending;
        if (overHighWatermark && pending + notYetQueued <= settings.lowWatermark()) {
            overHighWatermark = false;
            if (open) {
                call(() -> handler.onWritable(this));
            }
        }
    }

    // ------------------------------------------------------------ protocol events (loop)

    @Override
    public void onText(ByteBuffer utf8) {
        endpoint.loop().stats().add(LoopStats.MESSAGES_RECEIVED, 1);
        if (wantsTextBytes) {
            if (dispatch == null) {
                CheckedText checked = endpoint.loop().checkedText();
                try {
                    handler.onTextBytes(this, checked.lend(utf8));
                } catch (Throwable t) {
                    handlerFailed(t);
                } finally {
                    checked.end();
                }
            } else {
                ByteBuffer copy = copy(utf8);
                dispatch.execute(() -> guard(() -> handler.onTextBytes(this, copy)));
            }
            return;
        }
        String text = decode(utf8);
        if (dispatch == null) {
            try {
                handler.onText(this, text); // no lambda on the hot path
            } catch (Throwable t) {
                handlerFailed(t);
            }
        } else {
            dispatch.execute(() -> guard(() -> handler.onText(this, text)));
        }
    }

    @Override
    public void onBinary(ByteBuffer data) {
        endpoint.loop().stats().add(LoopStats.MESSAGES_RECEIVED, 1);
        if (dispatch == null) {
            try {
                handler.onBinary(this, data);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        } else {
            ByteBuffer copy = copy(data);
            call(() -> handler.onBinary(this, copy));
        }
    }

    @Override
    public void onTextPart(ByteBuffer utf8, boolean last) {
        if (last) {
            endpoint.loop().stats().add(LoopStats.MESSAGES_RECEIVED, 1); // a whole message, once
        }
        if (dispatch == null) {
            try {
                handler.onTextPart(this, utf8, last);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        } else {
            ByteBuffer copy = copy(utf8); // the part is a view of the loop's buffers
            dispatch.execute(() -> guard(() -> handler.onTextPart(this, copy, last)));
        }
    }

    @Override
    public void onBinaryPart(ByteBuffer data, boolean last) {
        if (last) {
            endpoint.loop().stats().add(LoopStats.MESSAGES_RECEIVED, 1);
        }
        if (dispatch == null) {
            try {
                handler.onBinaryPart(this, data, last);
            } catch (Throwable t) {
                handlerFailed(t);
            }
        } else {
            ByteBuffer copy = copy(data);
            dispatch.execute(() -> guard(() -> handler.onBinaryPart(this, copy, last)));
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        ByteBuffer p = dispatch == null ? payload : copy(payload);
        call(() -> handler.onPing(this, p));
    }

    @Override
    public void onPong(ByteBuffer payload) {
        ByteBuffer p = dispatch == null ? payload : copy(payload);
        call(() -> handler.onPong(this, p));
    }

    @Override
    public void onClosed(CloseStatus status, boolean closedByPeer) {
        open = false;
        if (core.shouldCloseTransport()) {
            stopTimer();
            endpoint.closeAfterFlush();
        } else {
            startCloseTimer(); // a client waits for the server to close TCP; not forever
        }
        if (!closeReported) {
            closeReported = true;
            CloseStatus reported = localFailure != null ? localFailure : status;
            boolean byPeer = localFailure == null && closedByPeer;
            endpoint.loop().stats().closed(reported.code());
            call(() -> handler.onClose(this, reported.code(), reported.reason(), byPeer));
        }
    }

    // ------------------------------------------------------------ frames out (loop)

    @Override
    public void frame(ByteBuffer header, ByteBuffer payload) {
        endpoint.write(header);
        endpoint.write(payload);
    }

    // ------------------------------------------------------------ WebSocket (any thread)

    @Override
    public CompletableFuture<Void> sendText(CharSequence text) {
        // Encoded here, on the caller's thread: the loop is spared the work, and the limits count
        // the bytes that will be queued, as bufferedAmount does, not UTF-16 units.
        ByteBuffer utf8 = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (endpoint.loop().inLoop()) {
            sendOnLoop(true, true, utf8, f, 0);
        } else if (admit(utf8.remaining(), f)) {
            long n = utf8.remaining();
            endpoint.loop().execute(() -> sendOnLoop(true, true, utf8, f, n));
        }
        return f;
    }

    @Override
    public CompletableFuture<Void> sendText(ByteBuffer utf8) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (endpoint.loop().inLoop()) {
            sendOnLoop(true, false, utf8, f, 0);
        } else if (admit(utf8.remaining(), f)) {
            long n = utf8.remaining();
            endpoint.loop().execute(() -> sendOnLoop(true, false, utf8, f, n));
        }
        return f;
    }

    @Override
    public CompletableFuture<Void> sendBinary(ByteBuffer data) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (endpoint.loop().inLoop()) {
            sendOnLoop(false, false, data, f, 0);
        } else if (admit(data.remaining(), f)) {
            long n = data.remaining();
            endpoint.loop().execute(() -> sendOnLoop(false, false, data, f, n));
        }
        return f;
    }

    @Override
    public CompletableFuture<Void> sendBinaryPart(ByteBuffer part, boolean last) {
        return sendPart(false, part, last);
    }

    @Override
    public CompletableFuture<Void> sendTextPart(CharSequence part, boolean last) {
        int n = part.length();
        if (!last && n > 0 && Character.isHighSurrogate(part.charAt(n - 1))) {
            // Encoded alone, the half pair would become '?': refuse rather than corrupt the text.
            return CompletableFuture.failedFuture(new IllegalArgumentException("text part ends with the first"
                    + " half of a surrogate pair (a code point above U+FFFF); split text between code points,"
                    + " for example one char earlier, so that the pair stays in one part"));
        }
        return sendPart(true, ByteBuffer.wrap(part.toString().getBytes(StandardCharsets.UTF_8)), last);
    }

    private CompletableFuture<Void> sendPart(boolean text, ByteBuffer data, boolean last) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (endpoint.loop().inLoop()) {
            sendPartOnLoop(text, data, last, f, 0);
        } else if (admit(data.remaining(), f)) {
            long n = data.remaining();
            endpoint.loop().execute(() -> sendPartOnLoop(text, data, last, f, n));
        }
        return f;
    }

    /** Queues one part of a message on the loop, as {@link #sendOnLoop} queues a whole one. */
    private void sendPartOnLoop(boolean text, ByteBuffer data, boolean last, CompletableFuture<Void> f,
            long counted) {
        if (counted != 0) {
            NOT_YET_QUEUED.getAndAdd(this, -counted);
        }
        if (core.state() != Connection.State.OPEN) {
            f.completeExceptionally(new IllegalStateException("cannot send a part: the connection is "
                    + (core.state() == Connection.State.CLOSE_SENT ? "closing" : "closed")));
            return;
        }
        long size = data.remaining();
        if (endpoint.pending() + size > settings.maxBuffered()) {
            slowConsumer(f, size);
            return;
        }
        try {
            core.sendFragment(text, data, last);
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
            return;
        }
        if (last) {
            endpoint.loop().stats().add(LoopStats.MESSAGES_SENT, 1); // a whole message, once
        }
        afterSend(f);
    }

    /**
     * Counts a send from another thread against the outbound limit before it is queued for the
     * loop, so that a fast producer cannot grow the loop's task queue without bound either.
     */
    private boolean admit(long size, CompletableFuture<Void> f) {
        long total = (long) NOT_YET_QUEUED.getAndAdd(this, size) + size;
        if (queued + total <= settings.maxBuffered()) {
            return true;
        }
        NOT_YET_QUEUED.getAndAdd(this, -size);
        onLoop(() -> slowConsumer(f, size));
        return false;
    }

    /**
     * Queues a message on the loop; {@code f} may be null (a queue call: nobody waits).
     * {@code encodedHere} marks text this class encoded from a String, valid UTF-8 by construction.
     */
    private boolean sendOnLoop(boolean text, boolean encodedHere, ByteBuffer data, CompletableFuture<Void> f,
            long counted) {
        if (counted != 0) {
            NOT_YET_QUEUED.getAndAdd(this, -counted);
        }
        if (core.state() != Connection.State.OPEN) {
            if (f != null) {
                f.completeExceptionally(new IllegalStateException("cannot send: the connection is "
                        + (core.state() == Connection.State.CLOSE_SENT ? "closing" : "closed")));
            }
            return false;
        }
        long size = data.remaining();
        if (endpoint.pending() + size > settings.maxBuffered()) {
            slowConsumer(f, size);
            return false;
        }
        try {
            if (encodedHere) {
                core.sendCheckedText(data);
            } else if (text && endpoint.loop().checkedText().isUnchanged(data)) {
                core.sendCheckedText(data); // the bytes just received, validated then, unchanged since
            } else if (text) {
                core.sendText(data); // checks the bytes are UTF-8
            } else {
                core.sendBinary(data);
            }
        } catch (RuntimeException e) {
            if (f != null) {
                f.completeExceptionally(e);
            }
            return false;
        }
        endpoint.loop().stats().add(LoopStats.MESSAGES_SENT, 1);
        afterSend(f);
        return true;
    }

    @Override
    public boolean queueText(ByteBuffer utf8) {
        return queue(true, utf8);
    }

    @Override
    public boolean queueBinary(ByteBuffer data) {
        return queue(false, data);
    }

    private boolean queue(boolean text, ByteBuffer data) {
        if (endpoint.loop().inLoop()) {
            return sendOnLoop(text, false, data, null, 0);
        }
        long n = data.remaining();
        if (!open || !admit(n, null)) {
            return false;
        }
        endpoint.loop().execute(() -> sendOnLoop(text, false, data, null, n));
        return true;
    }

    private void slowConsumer(CompletableFuture<Void> f, long size) {
        String why = "the peer reads too slowly: " + endpoint.pending() + " bytes are queued and " + size
                + " more would pass the limit of " + settings.maxBuffered();
        if (f != null) {
            f.completeExceptionally(new IllegalStateException(why));
        }
        if (settings.closeSlowConsumers()) {
            // A close frame would wait behind everything the peer is not reading: cut the
            // connection now, and fail what is queued rather than hold it.
            log.debug("closing {} with 1008: {}", remote, why);
            endpoint.loop().stats().add(LoopStats.SLOW_CONSUMERS, 1);
            localFailure = new CloseStatus(CloseStatus.POLICY_VIOLATION, "slow consumer");
            open = false;
            endpoint.closeNow(new java.io.IOException(why));
        }
    }

    private void afterSend(CompletableFuture<Void> f) {
        if (f != null) {
            endpoint.outbound().completeWhenWritten(f);
        }
        long pending = endpoint.pending();
        queued = pending;
        if (pending >= settings.highWatermark()) {
            overHighWatermark = true;
        }
    }

    @Override
    public CompletableFuture<Void> sendPrepared(PreparedMessage message) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        if (endpoint.loop().inLoop()) {
            if (sendPreparedOnLoop(message, f) == PreparedResult.OVER_LIMIT) {
                slowConsumer(f, message.size());
            }
        } else if (admit(message.size(), f)) {
            long n = message.size();
            endpoint.loop().execute(() -> {
                NOT_YET_QUEUED.getAndAdd(this, -n);
                if (sendPreparedOnLoop(message, f) == PreparedResult.OVER_LIMIT) {
                    slowConsumer(f, n);
                }
            });
        }
        return f;
    }

    /** What became of a prepared message offered to this connection. */
    public enum PreparedResult { QUEUED, OVER_LIMIT, CLOSED }

    /**
     * Queues a prepared message on the loop: the shared frame bytes are copied into this
     * connection's outbound chunk, with no encoding and no per-connection allocation when the
     * connection has no extension or a stateless one. {@code f} may be null (a broadcast that
     * tracks no completion).
     */
    public PreparedResult sendPreparedOnLoop(PreparedMessage m, CompletableFuture<Void> f) {
        if (core.state() != Connection.State.OPEN) {
            if (f != null) {
                f.completeExceptionally(new IllegalStateException("cannot send: the connection is closing or closed"));
            }
            return PreparedResult.CLOSED;
        }
        if (core.isSendingParts()) {
            // The open message's frames may not be interleaved with another message's.
            if (f != null) {
                f.completeExceptionally(new IllegalStateException("cannot send a prepared message: a message being"
                        + " sent in parts is not finished; send its last part first"));
                return PreparedResult.CLOSED;
            }
            return PreparedResult.OVER_LIMIT; // a broadcast: this subscriber misses it, counted as dropped
        }
        if (endpoint.pending() + m.size() > settings.maxBuffered()) {
            return PreparedResult.OVER_LIMIT;
        }
        List<Extension> ext = !core.hasExtensions() ? List.of() : core.extensions();
        byte[] frame = PreparedFrames.frameFor(m, ext.isEmpty() ? null : ext.get(0));
        try {
            if (frame != null && ext.size() <= 1) {
                core.requireCanSendPreparedFrame();
                endpoint.write(frame, 0, frame.length);
            } else if (m.isText()) {
                core.sendText(PreparedFrames.payload(m));
            } else {
                core.sendBinary(PreparedFrames.payload(m));
            }
        } catch (RuntimeException e) {
            if (f != null) {
                f.completeExceptionally(e);
            }
            return PreparedResult.CLOSED;
        }
        endpoint.loop().stats().add(LoopStats.MESSAGES_SENT, 1);
        if (f != null) {
            afterSend(f);
        } else if (endpoint.pending() >= settings.highWatermark()) {
            overHighWatermark = true;
        }
        return PreparedResult.QUEUED;
    }

    /**
     * Queues prepared messages as plain frames joined end to end in a shared, immutable
     * {@code frames} buffer, through a view of it (no copy), when this connection can take them
     * that way: open, no extension, no fragmented message half sent, and room for all of them
     * under the buffer limit. Otherwise queues nothing and returns false; the caller then offers
     * them one by one with {@link #sendPreparedOnLoop}, which decides message by message.
     */
    public boolean sendJoinedFramesOnLoop(ByteBuffer frames, int messages) {
        if (!!core.hasExtensions() || core.state() != Connection.State.OPEN || core.isSendingParts()
                || endpoint.pending() + frames.remaining() > settings.maxBuffered()) {
            return false;
        }
        try {
            core.requireCanSendPreparedFrame();
        } catch (RuntimeException e) {
            return false;
        }
        endpoint.writeShared(frames.duplicate());
        endpoint.loop().stats().add(LoopStats.MESSAGES_SENT, messages);
        if (endpoint.pending() >= settings.highWatermark()) {
            overHighWatermark = true;
        }
        return true;
    }

    @Override
    public CompletableFuture<Void> sendPing(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("ping payload is " + payload.remaining() + " bytes; at most 125 fit");
        }
        ByteBuffer p = copy(payload);
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoop(() -> {
            try {
                core.sendPing(p);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
                return;
            }
            afterSend(f);
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> close(int code, String reason) {
        CloseStatus.of(code, reason); // the caller's mistake is reported to the caller, now
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoop(() -> closeOnLoop(code, reason, f));
        return f;
    }

    private void closeOnLoop(int code, String reason, CompletableFuture<Void> f) {
        if (core.state() != Connection.State.OPEN) {
            if (f != null) {
                f.complete(null);
            }
            return;
        }
        open = false;
        core.close(code, reason);
        if (f != null) {
            endpoint.outbound().completeWhenWritten(f);
        }
        startCloseTimer();
    }

    @Override
    public void abort() {
        onLoop(() -> endpoint.closeNow(null));
    }

    @Override
    public long bufferedAmount() {
        return queued + notYetQueued;
    }

    @Override
    public boolean isWritable() {
        return bufferedAmount() < settings.highWatermark();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void pauseReading() {
        onLoop(() -> endpoint.pauseReading(true));
    }

    @Override
    public void resumeReading() {
        onLoop(() -> endpoint.pauseReading(false));
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public List<String> extensions() {
        return core.extensions().stream().map(e -> e.agreed().name()).toList();
    }

    @Override
    public URI requestUri() {
        URI u = requestUri;
        if (u == null) {
            try {
                u = new URI(requestTarget);
            } catch (java.net.URISyntaxException e) {
                u = URI.create("/");
            }
            requestUri = u;
        }
        return u;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return address(endpoint, false); // rarely asked for: not worth a field on every connection
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attribute(String key) {
        Map<String, Object> a = attributes;
        return a == null ? null : (T) a.get(key);
    }

    @Override
    public void attribute(String key, Object value) {
        Map<String, Object> a = attributes;
        if (a == null) {
            synchronized (this) {
                if (attributes == null) {
                    attributes = new ConcurrentHashMap<>();
                }
                a = attributes;
            }
        }
        if (value == null) {
            a.remove(key);
        } else {
            a.put(key, value);
        }
    }

    /** Starts the closing handshake with 1001 Going Away (server shutdown); call from any thread. */
    public void goAway() {
        onLoop(() -> closeOnLoop(CloseStatus.GOING_AWAY, "server shutting down", null));
    }

    @Override
    public String toString() {
        return "WebSocket[" + remote + " " + requestTarget + "]";
    }

    // ------------------------------------------------------------ timers (loop)

    /**
     * What a connection with a ping interval, an idle timeout or a closing handshake under way
     * keeps for its timer; most idle connections have none of these, and no timer.
     */
    private static final class Deadlines {
        final TimerWheel.Timer timer;
        long nextPingNanos;
        /** When to give up on the closing handshake; 0 while none is running. */
        long closeNanos;

        Deadlines(Runnable onTimer) {
            this.timer = new TimerWheel.Timer(onTimer);
        }
    }

    private Deadlines deadlines() {
        if (deadlines == null) {
            deadlines = new Deadlines(this::onTimer);
        }
        return deadlines;
    }

    /** Schedules the timer for the nearest deadline, or drops it when there is none. */
    private void armTimer(long now) {
        long next = Long.MAX_VALUE;
        long closeNanos = deadlines == null ? 0 : deadlines.closeNanos;
        if (closeNanos != 0) {
            next = closeNanos;
        } else if (core.state() == Connection.State.OPEN) {
            if (!settings.pingInterval().isZero()) {
                next = deadlines().nextPingNanos;
            }
            if (!settings.idleTimeout().isZero()) {
                next = Math.min(next, lastHeardNanos + settings.idleTimeout().toNanos());
            }
        }
        if (next == Long.MAX_VALUE) {
            stopTimer();
            return;
        }
        endpoint.loop().timers().schedule(deadlines().timer, next - now, now);
    }

    private void onTimer() {
        long now = System.nanoTime();
        Deadlines d = deadlines();
        if (d.closeNanos != 0) {
            if (now - d.closeNanos >= 0) {
                endpoint.closeNow(null); // the peer never finished the closing handshake
                return;
            }
        } else if (core.state() == Connection.State.OPEN) {
            if (!settings.pingInterval().isZero() && now - d.nextPingNanos >= 0) {
                core.sendPing(EMPTY.duplicate());
                d.nextPingNanos = now + settings.pingInterval().toNanos();
            }
            if (!settings.idleTimeout().isZero() && now - lastHeardNanos >= settings.idleTimeout().toNanos()) {
                closeOnLoop(CloseStatus.GOING_AWAY, "idle timeout", null);
                return;
            }
        }
        armTimer(now);
    }

    private void startCloseTimer() {
        long now = System.nanoTime();
        long at = now + settings.closeTimeout().toNanos();
        deadlines().closeNanos = at == 0 ? 1 : at;
        armTimer(now);
    }

    private void stopTimer() {
        if (deadlines != null) {
            endpoint.loop().timers().cancel(deadlines.timer);
        }
    }

    // ------------------------------------------------------------ helpers

    private void onLoop(Runnable r) {
        if (endpoint.loop().inLoop()) {
            r.run();
        } else {
            endpoint.loop().execute(r);
        }
    }

    /** Runs a handler callback where handlers run, reporting what it throws. */
    private void call(Runnable r) {
        if (dispatch == null) {
            guard(r);
        } else {
            dispatch.execute(() -> guard(r));
        }
    }

    private void guard(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private void handlerFailed(Throwable t) {
        log.warn("handler for {} threw; closing with 1011", this, t);
        try {
            handler.onError(this, t);
        } catch (Throwable ignored) {
            // already reporting a failure
        }
        onLoop(() -> closeOnLoop(CloseStatus.INTERNAL_ERROR, "internal error", null));
    }

    private static final int WANTS_TEXT_BYTES = 1;
    private static final int WANTS_TEXT_PARTS = 2;
    private static final int WANTS_BINARY_PARTS = 4;

    /**
     * Which optional callbacks a handler class overrides, found once per class: overriding one
     * is how a handler opts in, so handlers that do not pay nothing per connection or message.
     */
    private static final ClassValue<Integer> HANDLER_WANTS = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            return (overrides(type, "onTextBytes", ByteBuffer.class) ? WANTS_TEXT_BYTES : 0)
                    | (overrides(type, "onTextPart", ByteBuffer.class, boolean.class) ? WANTS_TEXT_PARTS : 0)
                    | (overrides(type, "onBinaryPart", ByteBuffer.class, boolean.class) ? WANTS_BINARY_PARTS : 0);
        }
    };

    private static boolean overrides(Class<?> type, String name, Class<?>... after) {
        Class<?>[] params = new Class<?>[after.length + 1];
        params[0] = WebSocket.class;
        System.arraycopy(after, 0, params, 1, after.length);
        try {
            return type.getMethod(name, params).getDeclaringClass() != WebSocketHandler.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static String decode(ByteBuffer utf8) {
        if (utf8.hasArray()) {
            return new String(utf8.array(), utf8.arrayOffset() + utf8.position(), utf8.remaining(), StandardCharsets.UTF_8);
        }
        byte[] b = new byte[utf8.remaining()];
        utf8.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }
}
