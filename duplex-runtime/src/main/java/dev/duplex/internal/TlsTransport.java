package dev.duplex.internal;

import dev.duplex.ClientAuth;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

/**
 * wss:// : plaintext goes through a non-blocking {@link SSLEngine}, for either role.
 *
 * <p>Three buffers, each held only while it has content, so an idle connection holds none:
 * {@code netIn} (ciphertext read but not yet decrypted: a partial record), {@code plainIn}
 * (a decrypted record that did not fit the caller's buffer) and {@code netOut} (ciphertext not
 * yet taken by the socket). Free ones are recycled per thread, which is the event loop's thread,
 * so steady traffic allocates nothing.
 *
 * <p>Handshake and other control messages (TLS 1.3 key updates, session tickets, alerts,
 * close_notify) are produced whenever the engine asks, even while application ciphertext waits
 * for the socket; they are small and bounded. Application plaintext is taken only while
 * {@code netOut} has room for another record, which bounds what a slow reader costs us.
 *
 * <p>Used by the connection's event loop thread only.
 */
public final class TlsTransport implements Transport {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Content type, version, length: the length is in bytes 3 and 4. */
    private static final int RECORD_HEADER = 5;
    /**
     * Net buffers hold two maximum records: the engine wraps only when a whole record's room is
     * free, so with one record's room a second small record could never join the first, and
     * every record would cost a system call.
     */
    private static final int RECORDS_PER_NET_BUFFER = 2;
    /**
     * Control output may grow netOut past its size (reads must never wait for the socket to drain),
     * but not without end: a peer that keeps asking for key updates and never reads is cut off.
     */
    private static final int MAX_NET_OUT_RECORDS = 16;

    private final SocketChannel channel;
    private final SSLEngine engine;
    /** Room the engine demands for one record; grows if the session negotiates larger records. */
    private int packetSize;
    /** Ciphertext read and not yet unwrapped, in read mode; null when none. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet delivered, in read mode; null when none. */
    private ByteBuffer plainIn;
    /** Ciphertext wrapped and not yet written, in read mode; null when none. */
    private ByteBuffer netOut;
    private final RecordLedger ledger = new RecordLedger();
    private boolean handshakeDone;
    private boolean inputEnded;
    private boolean outputShut;

    private TlsTransport(SocketChannel channel, SSLEngine engine) throws SSLException {
        this.channel = channel;
        this.engine = engine;
        this.packetSize = engine.getSession().getPacketBufferSize();
        engine.beginHandshake();
    }

    /** The server side of a wss:// connection accepted on {@code channel}, asking for no client certificate. */
    public static TlsTransport server(SocketChannel channel, SSLContext context) throws SSLException {
        return server(channel, context, ClientAuth.NONE);
    }

    /** The server side of a wss:// connection accepted on {@code channel}. */
    public static TlsTransport server(SocketChannel channel, SSLContext context, ClientAuth clientAuth)
            throws SSLException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols(engine));
        // Each setter clears the other, so exactly one of them may be called.
        if (clientAuth == ClientAuth.REQUIRED) {
            params.setNeedClientAuth(true);
        } else {
            params.setWantClientAuth(clientAuth == ClientAuth.OPTIONAL);
        }
        engine.setSSLParameters(params);
        return new TlsTransport(channel, engine);
    }

    /**
     * The client side of a wss:// connection to {@code host:port}.
     *
     * @param host           the name the user asked for (a DNS name or an IP literal, IPv6 with or
     *                       without brackets): checked against the certificate and sent as SNI
     * @param verifyHostname whether the server's certificate must name {@code host}; turn off only
     *                       for tests
     */
    public static TlsTransport client(SocketChannel channel, SSLContext context, String host, int port,
            boolean verifyHostname) throws SSLException {
        String peer = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        SSLEngine engine = context.createSSLEngine(peer, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols(engine));
        if (verifyHostname) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        List<SNIServerName> sni = serverNames(peer);
        if (!sni.isEmpty()) {
            params.setServerNames(sni);
        }
        engine.setSSLParameters(params);
        return new TlsTransport(channel, engine);
    }

    private static String[] protocols(SSLEngine engine) {
        List<String> supported = List.of(engine.getSupportedProtocols());
        String[] wanted = PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        if (wanted.length == 0) {
            throw new IllegalArgumentException("the SSLContext supports neither TLSv1.3 nor TLSv1.2 (it supports "
                    + supported + "); create it with SSLContext.getInstance(\"TLS\")");
        }
        return wanted;
    }

    /**
     * The JDK sends SNI by itself only for dotted names; "localhost" and single-label intranet
     * names deserve it too. RFC 6066 forbids IP literals, and names SNIHostName rejects (e.g.
     * with underscores) go without, as the JDK does.
     */
    private static List<SNIServerName> serverNames(String peer) {
        if (peer.indexOf(':') >= 0 || IPV4_LITERAL.matcher(peer).matches()) {
            return List.of();
        }
        String name = peer.endsWith(".") ? peer.substring(0, peer.length() - 1) : peer;
        try {
            List<SNIServerName> names = new ArrayList<>(1);
            names.add(new SNIHostName(name));
            return names;
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    /** The engine, for what the handshake negotiated (protocol, cipher suite, peer certificates). */
    public SSLEngine engine() {
        return engine;
    }

    // ---------------------------------------------------------------------------------- reading

    /**
     * Fills {@code dst} with plaintext until it is full or the socket has no more for now. Filling
     * it to the brim matters: the endpoint reads again only when a read filled its buffer, so
     * plaintext or whole records left behind here while the socket is empty would be stranded.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        try {
            readInto(dst);
        } catch (SSLException e) {
            sendAlertQuietly();
            throw e;
        } finally {
            releaseDrainedBuffers();
        }
        int n = dst.position() - start;
        return n == 0 && inputEnded && plainIn == null ? -1 : n;
    }

    /**
     * Whether plaintext or a whole record waits here, deliverable without the socket becoming
     * readable again. After a read that filled its buffer, the caller must read again while this
     * is true (an endpoint that caps reads per readiness event must come back for it), or the
     * bytes are stranded until the peer sends more. A partial record does not count: its rest
     * arrives through the socket.
     */
    public boolean hasBufferedInput() {
        if (plainIn != null) {
            return true;
        }
        if (netIn == null || netIn.remaining() < RECORD_HEADER) {
            return false;
        }
        int at = netIn.position();
        int length = ((netIn.get(at + 3) & 0xff) << 8) | (netIn.get(at + 4) & 0xff);
        return netIn.remaining() >= RECORD_HEADER + length;
    }

    private void readInto(ByteBuffer dst) throws IOException {
        drainPlainIn(dst);
        while (true) {
            driveHandshake();
            if (inputEnded || !dst.hasRemaining()) {
                return;
            }
            if (!unwrapInto(dst)) {
                int n = fillNetIn();
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    onEndOfStream();
                    return;
                }
            }
        }
    }

    /** Unwraps one record from {@code netIn}; false when no whole record is there. */
    private boolean unwrapInto(ByteBuffer dst) throws IOException {
        if (netIn == null || !netIn.hasRemaining()) {
            return false;
        }
        SSLEngineResult r = engine.unwrap(netIn, dst);
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW:
                return false;
            case BUFFER_OVERFLOW:
                return unwrapThroughPlainIn(dst);
            case CLOSED:
                inputEnded = true;
                break;
            default:
                break;
        }
        noteHandshake(r.getHandshakeStatus());
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0 || inputEnded;
    }

    /**
     * The engine wants a whole record's worth of room (it even overestimates it), more than
     * {@code dst} has left: decrypt into {@code plainIn} and hand over what fits, keeping the rest
     * for the next read.
     */
    private boolean unwrapThroughPlainIn(ByteBuffer dst) throws IOException {
        while (true) {
            int room = engine.getSession().getApplicationBufferSize();
            if (plainIn == null || plainIn.capacity() < room) {
                releasePlainIn();
                plainIn = BufferCache.acquire(Math.max(room, netCapacity()));
            }
            SSLEngineResult r = engine.unwrap(netIn, plainIn.clear());
            plainIn.flip();
            noteHandshake(r.getHandshakeStatus());
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (plainIn.capacity() >= engine.getSession().getApplicationBufferSize()) {
                    throw new SSLException("a TLS record does not fit the session's application buffer ("
                            + plainIn.capacity() + " bytes)");
                }
                continue; // the session's buffer size grew underneath us: try again with a larger buffer
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                inputEnded = true;
            }
            drainPlainIn(dst);
            return r.bytesConsumed() > 0 || r.bytesProduced() > 0 || inputEnded;
        }
    }

    private void drainPlainIn(ByteBuffer dst) {
        if (plainIn == null) {
            return;
        }
        int n = Math.min(plainIn.remaining(), dst.remaining());
        dst.put(dst.position(), plainIn, plainIn.position(), n);
        dst.position(dst.position() + n);
        plainIn.position(plainIn.position() + n);
        if (!plainIn.hasRemaining()) {
            releasePlainIn();
        }
    }

    /** Reads ciphertext from the socket behind what {@code netIn} already holds. */
    private int fillNetIn() throws IOException {
        if (netIn == null) {
            netIn = BufferCache.acquire(netCapacity());
        } else {
            netIn.compact();
            if (!netIn.hasRemaining()) {
                // A record larger than our buffer (the session allowed larger fragments): make room,
                // or the read below returns 0 forever. The engine rejects oversized records itself.
                netIn = grow(netIn, netIn.capacity() + engine.getSession().getPacketBufferSize());
            }
        }
        try {
            return channel.read(netIn);
        } finally {
            netIn.flip();
        }
    }

    private void onEndOfStream() throws SSLHandshakeException {
        inputEnded = true;
        if (!handshakeDone) {
            throw new SSLHandshakeException("the peer closed the connection during the TLS handshake");
        }
        // A TCP close without close_notify after the handshake is common and not treated as an
        // error: the WebSocket closing handshake above us tells a clean end from a truncated one.
    }

    // ---------------------------------------------------------------------------------- writing

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        if (!isReady()) {
            return 0;
        }
        if (outputShut) {
            throw new SSLException("TLS output is closed (close_notify was sent); nothing more can be written");
        }
        long consumed = 0;
        try {
            while (hasRemaining(srcs, offset, length)) {
                if (freeOut() < packetSize && !writeNetOut()) {
                    break; // the socket is full: take no more plaintext until it drains
                }
                SSLEngineResult r = wrapRecord(srcs, offset, length);
                consumed += r.bytesConsumed();
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    break; // the engine wants a handshake step first (isReady() turns false)
                }
            }
            writeNetOut();
        } finally {
            releaseDrainedBuffers();
        }
        return consumed;
    }

    /**
     * Wraps one record into room the caller made. A control message the engine asks for on the
     * way (a TLS 1.3 key update) comes out of the next wrap, or the next flush, into that same
     * bounded room: driving it here would grow netOut past its bound while the socket is full.
     */
    private SSLEngineResult wrapRecord(ByteBuffer[] srcs, int offset, int length) throws IOException {
        ByteBuffer out = beginOutput(packetSize);
        SSLEngineResult r;
        try {
            r = engine.wrap(srcs, offset, length, out);
        } finally {
            out.flip();
        }
        switch (r.getStatus()) {
            case CLOSED:
                throw new SSLException("the TLS connection is closed; nothing more can be written");
            case BUFFER_OVERFLOW:
                int before = packetSize;
                packetSize = engine.getSession().getPacketBufferSize();
                if (packetSize <= before) {
                    throw new SSLException("the TLS engine wants more room than its packet buffer size (" + before + ")");
                }
                return wrapRecord(srcs, offset, length); // beginOutput makes the larger room
            default:
                break;
        }
        ledger.wrapped(r.bytesProduced(), r.bytesConsumed());
        noteHandshake(r.getHandshakeStatus());
        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runDelegatedTasks();
        }
        return r;
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Bytes {@code netOut} can take behind what it holds. */
    private int freeOut() {
        return netOut == null ? Integer.MAX_VALUE : netOut.capacity() - netOut.remaining();
    }

    /** {@code netOut} in write mode with at least {@code room} bytes free behind the pending ciphertext. */
    private ByteBuffer beginOutput(int room) throws SSLException {
        if (netOut == null) {
            netOut = BufferCache.acquire(Math.max(room, netCapacity()));
            return netOut;
        }
        netOut.compact();
        if (netOut.remaining() < room) {
            int capacity = netOut.position() + room;
            if (capacity > MAX_NET_OUT_RECORDS * packetSize) {
                netOut.flip();
                throw new SSLException("the TLS peer keeps sending handshake messages but reads none of ours ("
                        + netOut.remaining() + " bytes waiting)");
            }
            netOut = grow(netOut, capacity);
        }
        return netOut;
    }

    /** Writes pending ciphertext; true when none is left. */
    private boolean writeNetOut() throws IOException {
        if (netOut == null) {
            return true;
        }
        while (netOut.hasRemaining()) {
            int n = channel.write(netOut);
            ledger.written(n);
            if (n == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long unsentPlaintext() {
        return ledger.unsent();
    }

    @Override
    public boolean hasPendingOutput() {
        return (netOut != null && netOut.hasRemaining()) || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
    }

    @Override
    public boolean flushPendingOutput() throws IOException {
        try {
            // Pending ciphertext first, so that control output (the client's first message, a key
            // update, close_notify) joins it without growing netOut past its bound.
            if (!writeNetOut()) {
                return false;
            }
            driveHandshake();
            return writeNetOut();
        } catch (SSLException e) {
            sendAlertQuietly();
            throw e;
        } finally {
            releaseDrainedBuffers();
        }
    }

    /**
     * True once the handshake finished and while no renegotiation runs: during one, the engine
     * takes no application data, and the endpoint would spin on a write that consumes nothing.
     */
    @Override
    public boolean isReady() {
        return handshakeDone && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (outputShut) {
            return;
        }
        outputShut = true;
        engine.closeOutbound();
        driveHandshake(); // wraps close_notify into netOut for the next flush
    }

    @Override
    public void release() {
        releasePlainIn();
        if (netIn != null) {
            BufferCache.release(netIn);
            netIn = null;
        }
        if (netOut != null) {
            BufferCache.release(netOut);
            netOut = null;
        }
    }

    // -------------------------------------------------------------------------------- handshake

    /** Runs the steps that need nothing from the peer: delegated tasks and our own messages. */
    private void driveHandshake() throws IOException {
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            } else if (hs != HandshakeStatus.NEED_WRAP || !wrapControl()) {
                return;
            }
        }
    }

    /**
     * Tasks (certificate checks, key agreement) run inline: they take about a millisecond, and
     * handing them to another thread would need a way back into the loop that the Transport
     * contract does not have.
     */
    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Wraps one control message into {@code netOut}, growing it if needed; false if nothing came. */
    private boolean wrapControl() throws IOException {
        ByteBuffer out = beginOutput(packetSize);
        SSLEngineResult r;
        try {
            r = engine.wrap(EMPTY, out);
        } finally {
            out.flip();
        }
        ledger.wrapped(r.bytesProduced(), 0);
        noteHandshake(r.getHandshakeStatus());
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            int before = packetSize;
            packetSize = engine.getSession().getPacketBufferSize();
            return packetSize > before;
        }
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
    }

    private void noteHandshake(HandshakeStatus hs) {
        if (hs == HandshakeStatus.FINISHED) {
            handshakeDone = true;
        }
    }

    /**
     * After a fatal error the engine holds an alert telling the peer why (bad certificate, ...);
     * one non-blocking attempt to send it is far more useful to the peer than a bare reset.
     */
    private void sendAlertQuietly() {
        try {
            driveHandshake();
            writeNetOut();
        } catch (IOException | RuntimeException ignored) {
            // the connection is failing anyway; the original error is what the caller reports
        }
    }

    // ---------------------------------------------------------------------------------- buffers

    private int netCapacity() {
        return RECORDS_PER_NET_BUFFER * packetSize;
    }

    private static ByteBuffer grow(ByteBuffer writeMode, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(writeMode.flip());
        BufferCache.release(writeMode);
        return bigger;
    }

    private void releaseDrainedBuffers() {
        if (netIn != null && !netIn.hasRemaining()) {
            BufferCache.release(netIn);
            netIn = null;
        }
        if (netOut != null && !netOut.hasRemaining()) {
            BufferCache.release(netOut);
            netOut = null;
        }
    }

    private void releasePlainIn() {
        if (plainIn != null) {
            BufferCache.release(plainIn);
            plainIn = null;
        }
    }

    /** Whether the transport holds any buffer; an idle connection must not. For tests. */
    boolean holdsBuffers() {
        return netIn != null || plainIn != null || netOut != null;
    }

    /** Bytes held in buffers right now (capacity, not content). For tests of the memory bound. */
    int bufferedCapacity() {
        return (netIn == null ? 0 : netIn.capacity()) + (plainIn == null ? 0 : plainIn.capacity())
                + (netOut == null ? 0 : netOut.capacity());
    }

    /**
     * Free buffers of the current thread, shared by the connections of its event loop. Heap, not
     * direct: the JDK's SSLEngine encrypts and decrypts faster on arrays (Netty's finding too),
     * and socket I/O of a heap buffer costs one copy into the JDK's cached direct buffer.
     */
    private static final class BufferCache {
        private static final int MAX_FREE = 16;
        private static final ThreadLocal<ArrayDeque<ByteBuffer>> FREE = ThreadLocal.withInitial(ArrayDeque::new);

        static ByteBuffer acquire(int capacity) {
            ByteBuffer b = FREE.get().pollFirst();
            return b != null && b.capacity() >= capacity ? b.clear() : ByteBuffer.allocate(capacity);
        }

        static void release(ByteBuffer b) {
            ArrayDeque<ByteBuffer> free = FREE.get();
            if (free.size() < MAX_FREE) {
                free.addFirst(b);
            }
        }
    }
}
