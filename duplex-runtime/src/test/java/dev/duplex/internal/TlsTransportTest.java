package dev.duplex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.Tls;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TlsTransport over real loopback sockets, driven the way SocketEndpoint drives a Transport: one
 * selector thread, a shared read buffer, gathering writes, flushes at the end of a pass.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TlsTransportTest {
    private static final Path TLS = resources();
    private static final int MIB = 1024 * 1024;
    private static SSLContext serverContext;
    private static SSLContext clientContext;
    private static ExecutorService threads;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Loop loop;

    @BeforeAll
    static void contexts() throws IOException {
        serverContext = Tls.serverFromPem(TLS.resolve("cert.pem"), TLS.resolve("key.pem"));
        clientContext = Tls.clientTrusting(TLS.resolve("cert.pem"));
        threads = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    @BeforeEach
    void openLoop() throws IOException {
        loop = new Loop();
        closeables.add(loop);
    }

    @AfterEach
    void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    // ------------------------------------------------------------------------ our side, both ends

    @Test
    void handshakesAndExchangesMessagesBothWays() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        Peer client = peers[0];
        Peer server = peers[1];
        // queued before the handshake finished: must wait for it, then go out
        client.send(ascii("hello from the client"));
        server.send(ascii("hello from the server"));

        loop.runUntil(() -> client.received.size() == 21 && server.received.size() == 21);

        assertThat(server.text()).isEqualTo("hello from the client");
        assertThat(client.text()).isEqualTo("hello from the server");
        assertThat(client.transport.isReady()).isTrue();
        assertThat(server.transport.isReady()).isTrue();
        assertThat(client.transport.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        loop.runFor(50); // the server's session ticket settles
        assertThat(client.transport.holdsBuffers()).as("idle client holds no buffer").isFalse();
        assertThat(server.transport.holdsBuffers()).as("idle server holds no buffer").isFalse();
    }

    @Test
    void exchangesAMebibyteEachWaySplitAcrossManyRecords() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        byte[] up = random(MIB, 1);
        byte[] down = random(MIB, 2);
        peers[0].send(ByteBuffer.wrap(up));
        peers[1].send(ByteBuffer.allocateDirect(MIB).put(down).flip());

        loop.runUntil(() -> peers[0].received.size() == MIB && peers[1].received.size() == MIB);

        assertThat(peers[1].received.toByteArray()).isEqualTo(up);
        assertThat(peers[0].received.toByteArray()).isEqualTo(down);
        loop.runFor(50);
        assertThat(peers[0].transport.holdsBuffers()).isFalse();
        assertThat(peers[1].transport.holdsBuffers()).isFalse();
    }

    @Test
    void oneWriteCallWrapsSeveralBuffersInOrder() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        loop.runUntil(() -> peers[0].transport.isReady() && peers[1].transport.isReady());
        ByteBuffer[] srcs = {ascii("one,"), ByteBuffer.allocate(0), ascii("two,"),
                ByteBuffer.allocateDirect(4).put("thr".getBytes(StandardCharsets.US_ASCII)).flip(),
                ascii("ee,"), ByteBuffer.wrap(new byte[3000]).position(2996)};

        long consumed = peers[0].transport.write(srcs, 1, srcs.length - 1);

        assertThat(consumed).isEqualTo(4 + 3 + 3 + 4);
        assertThat(srcs[0].remaining()).as("outside the range: untouched").isEqualTo(4);
        assertThat(Arrays.stream(srcs, 1, srcs.length).noneMatch(ByteBuffer::hasRemaining)).isTrue();
        loop.runUntil(() -> peers[1].received.size() == 14);
        assertThat(peers[1].text()).isEqualTo("two,three,\0\0\0\0");
    }

    @Test
    void gatheringWritesAcrossRecordBoundariesKeepEveryByteInOrder() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            byte[] piece = random(random.nextInt(i % 10 == 0 ? 40_000 : 300), i);
            expected.write(piece, 0, piece.length);
            peers[0].send(i % 2 == 0 ? ByteBuffer.wrap(piece) : ByteBuffer.allocateDirect(piece.length).put(piece).flip());
        }

        loop.runUntil(() -> peers[1].received.size() == expected.size());

        assertThat(peers[1].received.toByteArray()).isEqualTo(expected.toByteArray());
    }

    /** Buffers smaller than a record make the engine report BUFFER_OVERFLOW; no byte may be lost. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 1000, 16_383, 16_705, 40_000})
    void readBuffersSmallerThanARecordLoseNothing(int readBufferSize) throws IOException {
        Peer[] peers = peerPair("localhost", true, EventLoop.READ_BUFFER_BYTES, readBufferSize);
        Peer client = peers[0];
        Peer server = peers[1];
        byte[] payload = random(300_000, readBufferSize);
        client.send(ByteBuffer.wrap(payload));

        loop.runUntil(() -> server.received.size() == payload.length);

        assertThat(server.received.toByteArray()).isEqualTo(payload);
        assertThat(server.transport.holdsBuffers()).isFalse();
    }

    @Test
    void leftoverPlaintextCountsAsBufferedInput() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        loop.runUntil(() -> peers[0].transport.isReady() && peers[1].transport.isReady());
        loop.runFor(50);
        loop.pause(peers[1]);
        peers[0].send(ByteBuffer.wrap(random(10_000, 9)));
        loop.runUntil(() -> peers[0].queue.isEmpty() && !peers[0].transport.hasPendingOutput());
        TlsTransport server = peers[1].transport;
        ByteBuffer small = ByteBuffer.allocate(100);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int n = 0;
        while (n == 0 && System.nanoTime() < deadline) {
            n = server.read(small);
        }

        assertThat(n).isEqualTo(100);
        assertThat(server.hasBufferedInput()).isTrue();
        int total = n;
        while (server.hasBufferedInput()) {
            total += server.read(small.clear());
        }
        assertThat(total).isEqualTo(10_000);
        assertThat(server.holdsBuffers()).isFalse();
    }

    @Test
    void writesNothingBeforeTheHandshake() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        ByteBuffer data = ascii("too early");

        assertThat(peers[0].transport.isReady()).isFalse();
        assertThat(peers[0].transport.hasPendingOutput()).as("the ClientHello waits").isTrue();
        assertThat(peers[0].transport.write(new ByteBuffer[] {data}, 0, 1)).isZero();
        assertThat(data.remaining()).isEqualTo(9);
    }

    /** A reader that stops reading must cost the writer a bounded amount of ciphertext, not the whole backlog. */
    @Test
    void aStalledReaderBoundsTheWritersCiphertext() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        Peer client = peers[0];
        Peer server = peers[1];
        loop.runUntil(() -> client.transport.isReady() && server.transport.isReady());
        loop.runFor(50);
        loop.pause(server);
        byte[] payload = random(32 * MIB, 4);
        client.send(ByteBuffer.wrap(payload));

        loop.runUntil(() -> client.writeInterest);
        long sentWhenFull = client.sent;
        loop.runFor(200);

        assertThat(client.sent).as("socket buffers fill, then the transport stops taking plaintext")
                .isEqualTo(sentWhenFull).isLessThan(payload.length);
        assertThat(client.transport.hasPendingOutput()).isTrue();
        int packet = client.transport.engine().getSession().getPacketBufferSize();
        assertThat(client.transport.bufferedCapacity()).isLessThanOrEqualTo(2 * packet);
        assertThat(client.transport.unsentPlaintext()).as("taken into records the socket has not taken")
                .isPositive().isLessThanOrEqualTo(2L * packet);

        loop.resume(server);
        loop.runUntil(() -> server.received.size() == payload.length);
        assertThat(server.received.toByteArray()).isEqualTo(payload);
        loop.runUntil(() -> !client.transport.hasPendingOutput());
        assertThat(client.transport.unsentPlaintext()).isZero();
    }

    // ------------------------------------------------------------------------------- closing

    @Test
    void closeNotifyEndsTheStreamAfterTheData() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        Peer client = peers[0];
        Peer server = peers[1];
        client.send(ascii("last words"));
        loop.runUntil(() -> client.queue.isEmpty() && client.transport.isReady());

        client.transport.shutdownOutput();
        assertThat(client.transport.hasPendingOutput()).as("close_notify waits for the flush").isTrue();
        client.flushScheduled = true;

        loop.runUntil(() -> server.eof);
        assertThat(server.text()).isEqualTo("last words");
        assertThat(server.failure).isNull();
        assertThatThrownBy(() -> client.transport.write(new ByteBuffer[] {ascii("more")}, 0, 1))
                .isInstanceOf(SSLException.class).hasMessageContaining("close_notify");
    }

    @Test
    void tcpCloseAfterTheHandshakeEndsTheStream() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        peers[0].send(ascii("bye"));
        loop.runUntil(() -> peers[1].received.size() == 3);

        peers[0].transport.channel().close();

        loop.runUntil(() -> peers[1].eof);
        assertThat(peers[1].failure).isNull();
    }

    @Test
    void aClientThatHangsUpMidHandshakeFailsTheServerPromptly() throws IOException {
        try (ServerSocketChannel listener = listen()) {
            SocketChannel raw = SocketChannel.open(listener.getLocalAddress());
            closeables.add(raw);
            SocketChannel accepted = nonBlocking(listener.accept());
            Peer server = loop.add(TlsTransport.server(accepted, serverContext), EventLoop.READ_BUFFER_BYTES);
            raw.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01})); // a ClientHello's first bytes
            raw.close();

            loop.runUntil(() -> server.failure != null);

            assertThat(server.failure).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("closed the connection during the TLS handshake");
        }
    }

    @Test
    void aServerThatHangsUpMidHandshakeFailsTheClientPromptly() throws Exception {
        try (ServerSocketChannel listener = listen()) {
            int port = port(listener);
            Future<?> rawServer = threads.submit(() -> {
                try (SocketChannel s = listener.accept()) {
                    s.read(ByteBuffer.allocate(100_000)); // take the ClientHello, answer nothing
                }
                return null;
            });
            SocketChannel ch = nonBlocking(SocketChannel.open(listener.getLocalAddress()));
            Peer client = loop.add(TlsTransport.client(ch, clientContext, "localhost", port, true),
                    EventLoop.READ_BUFFER_BYTES);

            loop.runUntil(() -> client.failure != null);

            rawServer.get(5, TimeUnit.SECONDS);
            assertThat(client.failure).isInstanceOf(IOException.class);
            assertThat(client.transport.isReady()).isFalse();
        }
    }

    @Test
    void aPlainTextClientIsRejected() throws IOException {
        try (ServerSocketChannel listener = listen()) {
            SocketChannel raw = SocketChannel.open(listener.getLocalAddress());
            closeables.add(raw);
            Peer server = loop.add(TlsTransport.server(nonBlocking(listener.accept()), serverContext),
                    EventLoop.READ_BUFFER_BYTES);
            raw.write(ascii("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));

            loop.runUntil(() -> server.failure != null);

            assertThat(server.failure).isInstanceOf(SSLException.class);
        }
    }

    // ---------------------------------------------------------------------------- verification

    @Test
    void aCertificateForAnotherNameFailsHostnameVerification() throws IOException {
        SSLContext otherServer = Tls.serverFromPem(TLS.resolve("other-cert.pem"), TLS.resolve("other-key.pem"));
        SSLContext trustingOther = Tls.clientTrusting(TLS.resolve("other-cert.pem"));
        Peer[] peers = pair(otherServer, trustingOther, "localhost", true);

        loop.runUntil(() -> peers[0].failure != null && peers[1].closed());

        assertThat(peers[0].failure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("localhost");
        assertThat(peers[1].failure).as("the client's alert tells the server why")
                .isInstanceOf(SSLException.class).hasMessageContaining("certificate_unknown");
    }

    @Test
    void theSameCertificatePassesWithHostnameVerificationOff() throws IOException {
        SSLContext otherServer = Tls.serverFromPem(TLS.resolve("other-cert.pem"), TLS.resolve("other-key.pem"));
        SSLContext trustingOther = Tls.clientTrusting(TLS.resolve("other-cert.pem"));
        Peer[] peers = pair(otherServer, trustingOther, "localhost", false);
        peers[0].send(ascii("ok"));

        loop.runUntil(() -> peers[1].received.size() == 2);

        assertThat(peers[0].failure).isNull();
    }

    @Test
    void anUntrustedCertificateFailsWithTheDefaultTrustStore() throws IOException {
        Peer[] peers = pair(serverContext, Tls.clientDefault(), "localhost", true);

        loop.runUntil(() -> peers[0].failure != null);

        assertThat(peers[0].failure).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("certification path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
    void ipLiteralsMatchIpAlternativeNamesAndSendNoSni(String host) throws IOException {
        Peer[] peers = pair(serverContext, clientContext, host, true);
        peers[0].send(ascii("ip"));

        loop.runUntil(() -> peers[1].received.size() == 2 || peers[0].closed());

        assertThat(peers[0].failure).isNull();
        ExtendedSSLSession session = (ExtendedSSLSession) peers[1].transport.engine().getSession();
        assertThat(session.getRequestedServerNames()).isEmpty();
    }

    @Test
    void hostnamesAreSentAsSniEvenWithoutADot() throws IOException {
        Peer[] peers = pair("localhost", true, EventLoop.READ_BUFFER_BYTES);
        peers[0].send(ascii("sni"));

        loop.runUntil(() -> peers[1].received.size() == 3);

        ExtendedSSLSession session = (ExtendedSSLSession) peers[1].transport.engine().getSession();
        assertThat(session.getRequestedServerNames()).containsExactly(new SNIHostName("localhost"));
    }

    // ------------------------------------------------------------------ the JDK's SSLSocket as peer

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void echoesAMebibyteToTheJdksSslSocket(String protocol) throws Exception {
        try (ServerSocketChannel listener = listen()) {
            byte[] payload = random(MIB, 5);
            Future<byte[]> jdkClient = threads.submit(() -> {
                try (SSLSocket socket = (SSLSocket) clientContext.getSocketFactory().createSocket("localhost",
                        port(listener))) {
                    socket.setSoTimeout(10_000);
                    SSLParameters params = socket.getSSLParameters();
                    params.setProtocols(new String[] {protocol});
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(params);
                    socket.startHandshake();
                    Future<?> writer = threads.submit(() -> {
                        OutputStream out = socket.getOutputStream();
                        out.write(payload);
                        out.flush();
                        return null;
                    });
                    byte[] echoed = new byte[payload.length];
                    new DataInputStream(socket.getInputStream()).readFully(echoed);
                    writer.get(5, TimeUnit.SECONDS);
                    return echoed;
                }
            });
            Peer server = loop.add(TlsTransport.server(nonBlocking(listener.accept()), serverContext),
                    EventLoop.READ_BUFFER_BYTES);
            server.onData = server::send;

            loop.runUntil(jdkClient::isDone);

            assertThat(jdkClient.get()).isEqualTo(payload);
            assertThat(server.received.toByteArray()).isEqualTo(payload);
            assertThat(server.transport.engine().getSession().getProtocol()).isEqualTo(protocol);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void exchangesAMebibyteWithTheJdksSslServerSocket(String protocol) throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, loopback)) {
            listener.setEnabledProtocols(new String[] {protocol});
            byte[] payload = random(MIB, 6);
            Future<Long> jdkServer = threads.submit(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(10_000);
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream();
                    byte[] buf = new byte[10_000];
                    long total = 0;
                    while (total < payload.length) {
                        int n = in.read(buf);
                        if (n < 0) {
                            break;
                        }
                        out.write(buf, 0, n);
                        total += n;
                    }
                    out.flush();
                    return total;
                }
            });
            SocketChannel ch = nonBlocking(SocketChannel.open(new InetSocketAddress(loopback, listener.getLocalPort())));
            Peer client = loop.add(TlsTransport.client(ch, clientContext, "localhost", listener.getLocalPort(), true),
                    EventLoop.READ_BUFFER_BYTES);
            client.send(ByteBuffer.wrap(payload));

            loop.runUntil(() -> client.received.size() == payload.length || client.closed());

            assertThat(client.failure).isNull();
            assertThat(client.received.toByteArray()).isEqualTo(payload);
            // Since JDK 25 the server's close() waits for our close_notify in TLS 1.3: keep the loop turning.
            loop.runUntil(jdkServer::isDone);
            assertThat(jdkServer.get()).isEqualTo(payload.length);
            assertThat(client.transport.engine().getSession().getProtocol()).isEqualTo(protocol);
        }
    }

    // ------------------------------------------------------------------------------- harness

    private Peer[] pair(String host, boolean verify, int readBufferSize) throws IOException {
        return peerPair(host, verify, readBufferSize, readBufferSize);
    }

    private Peer[] pair(SSLContext server, SSLContext client, String host, boolean verify) throws IOException {
        return peerPair(server, client, host, verify, EventLoop.READ_BUFFER_BYTES, EventLoop.READ_BUFFER_BYTES);
    }

    private Peer[] peerPair(String host, boolean verify, int clientReadBuffer, int serverReadBuffer)
            throws IOException {
        return peerPair(serverContext, clientContext, host, verify, clientReadBuffer, serverReadBuffer);
    }

    /** A client and a server transport over one loopback connection, both on the test loop. */
    private Peer[] peerPair(SSLContext serverCtx, SSLContext clientCtx, String host, boolean verify,
            int clientReadBuffer, int serverReadBuffer) throws IOException {
        try (ServerSocketChannel listener = listen()) {
            SocketChannel clientChannel = nonBlocking(SocketChannel.open(listener.getLocalAddress()));
            SocketChannel serverChannel = nonBlocking(listener.accept());
            Peer client = loop.add(TlsTransport.client(clientChannel, clientCtx, host, port(listener), verify),
                    clientReadBuffer);
            Peer server = loop.add(TlsTransport.server(serverChannel, serverCtx), serverReadBuffer);
            return new Peer[] {client, server};
        }
    }

    private ServerSocketChannel listen() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        return listener;
    }

    private static int port(ServerSocketChannel listener) throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private SocketChannel nonBlocking(SocketChannel ch) throws IOException {
        closeables.add(ch);
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return ch;
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Path resources() {
        try {
            return Path.of(TlsTransportTest.class.getResource("/tls/cert.pem").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One end of a connection, using its Transport as SocketEndpoint does: reads into one buffer up
     * to 16 times per readiness event, queues plaintext, flushes with
     * {@code flushPendingOutput() && (!isReady() || write queue) && flushPendingOutput()}, and
     * asks for OP_WRITE while that is not done. After the cap it also reads again while the
     * transport reports buffered input, which the endpoint needs to do for TLS.
     */
    static final class Peer {
        private static final int READS_PER_EVENT = 16;
        final TlsTransport transport;
        final ByteBuffer readBuffer;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        Consumer<ByteBuffer> onData;
        SelectionKey key;
        boolean flushScheduled;
        boolean readAgain;
        boolean writeInterest;
        boolean paused;
        boolean eof;
        IOException failure;
        long sent;

        Peer(TlsTransport transport, int readBufferSize) {
            this.transport = transport;
            this.readBuffer = ByteBuffer.allocateDirect(readBufferSize);
        }

        void send(ByteBuffer b) {
            queue.add(b);
            flushScheduled = true;
        }

        boolean closed() {
            return failure != null || eof;
        }

        String text() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }

        void onReadable() {
            readAgain = false;
            boolean capped = true; // every read filled the buffer, and the cap ended the loop
            for (int i = 0; i < READS_PER_EVENT && !closed() && !paused; i++) {
                readBuffer.clear();
                int n;
                try {
                    n = transport.read(readBuffer);
                } catch (IOException e) {
                    fail(e);
                    return;
                }
                if (n < 0) {
                    eof = true;
                    capped = false;
                    break;
                }
                if (n == 0) {
                    capped = false;
                    break;
                }
                readBuffer.flip();
                byte[] copy = new byte[n];
                readBuffer.get(copy);
                received.write(copy, 0, n);
                if (onData != null) {
                    onData.accept(ByteBuffer.wrap(copy));
                }
                if (n < readBuffer.capacity()) {
                    capped = false;
                    break;
                }
            }
            if (failure != null) {
                return;
            }
            // as the endpoint does, even after the end of input: a close_notify reply may wait
            // Like the endpoint, a short read means "drained": only after the cap does it come back,
            // so a transport that returns early while holding input strands it and the test times out.
            readAgain = capped && !paused && !eof && transport.hasBufferedInput();
            if (transport.hasPendingOutput() || !queue.isEmpty()) {
                flushScheduled = true;
            }
        }

        void flush() {
            flushScheduled = false;
            if (failure != null) {
                return;
            }
            try {
                boolean done = transport.flushPendingOutput() && (!transport.isReady() || writeQueue())
                        && transport.flushPendingOutput();
                writeInterest = !done;
            } catch (IOException e) {
                fail(e);
            }
        }

        private boolean writeQueue() throws IOException {
            while (!queue.isEmpty()) {
                ByteBuffer[] batch = queue.stream().limit(64).toArray(ByteBuffer[]::new);
                long n = transport.write(batch, 0, batch.length);
                sent += n;
                while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) {
                    queue.pollFirst();
                }
                if (n == 0 && !queue.isEmpty()) {
                    return false;
                }
            }
            return true;
        }

        private void fail(IOException e) {
            failure = e;
            key.cancel();
            try {
                transport.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
            transport.release();
        }

        void updateInterest() {
            if (!key.isValid()) {
                return;
            }
            int ops = (closed() || paused ? 0 : SelectionKey.OP_READ) | (writeInterest && failure == null ? SelectionKey.OP_WRITE : 0);
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }
    }

    /** A selector loop on the test thread: select, handle keys, read again where asked, flush. */
    static final class Loop implements AutoCloseable {
        final Selector selector = Selector.open();
        final List<Peer> peers = new ArrayList<>();

        Loop() throws IOException {}

        Peer add(TlsTransport transport, int readBufferSize) throws IOException {
            Peer p = new Peer(transport, readBufferSize);
            p.key = transport.channel().register(selector, SelectionKey.OP_READ, p);
            p.flushScheduled = transport.hasPendingOutput();
            peers.add(p);
            return p;
        }

        void pause(Peer p) {
            p.paused = true;
            p.updateInterest();
        }

        void resume(Peer p) {
            p.paused = false;
            p.readAgain = true; // like the endpoint, whose next read pass finds what was buffered
            p.updateInterest();
        }

        void runUntil(BooleanSupplier condition) throws IOException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out; peers: " + describe());
                }
                pass();
            }
        }

        void runFor(long millis) throws IOException {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                pass();
            }
        }

        private void pass() throws IOException {
            boolean readsPending = peers.stream().anyMatch(p -> p.readAgain);
            if (readsPending) {
                selector.selectNow();
            } else {
                selector.select(5);
            }
            for (SelectionKey k : selector.selectedKeys()) {
                Peer p = (Peer) k.attachment();
                if (k.isValid() && k.isWritable()) {
                    p.flush();
                }
                if (k.isValid() && k.isReadable()) {
                    p.onReadable();
                }
            }
            selector.selectedKeys().clear();
            for (Peer p : peers) {
                if (p.readAgain && !p.closed()) {
                    p.onReadable();
                }
            }
            for (Peer p : peers) {
                if (p.flushScheduled) {
                    p.flush();
                }
                p.updateInterest();
            }
        }

        private String describe() {
            StringBuilder sb = new StringBuilder();
            for (Peer p : peers) {
                sb.append("[received=").append(p.received.size()).append(" sent=").append(p.sent)
                        .append(" queued=").append(p.queue.size()).append(" ready=").append(p.transport.isReady())
                        .append(" pendingOut=").append(p.transport.hasPendingOutput())
                        .append(" eof=").append(p.eof).append(" failure=").append(p.failure).append("] ");
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            for (Peer p : peers) {
                p.transport.release();
            }
            selector.close();
        }
    }
}
