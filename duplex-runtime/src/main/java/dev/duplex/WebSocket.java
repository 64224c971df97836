package dev.duplex;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One open WebSocket connection, server or client side. Safe to use from any thread: calls from
 * other threads are handed to the connection's event loop in order.
 *
 * <p>Sends never block. Each returns a future that completes when the frame's bytes have been
 * written to the socket (over wss://, when the TLS records carrying its last byte have), or
 * fails with the reason they never will be (the connection closed, or the slow-consumer policy
 * refused it). Nothing accepted is dropped silently.
 */
public interface WebSocket {

    /** Sends a text message. */
    CompletableFuture<Void> sendText(CharSequence text);

    /**
     * Sends a text message given as UTF-8 bytes (checked; invalid UTF-8 fails the future with
     * {@link IllegalArgumentException}). The buffer is consumed, under the same rules as
     * {@link #sendBinary(ByteBuffer)}.
     */
    CompletableFuture<Void> sendText(ByteBuffer utf8);

    /**
     * Sends a binary message of {@code data}'s remaining bytes. The buffer is consumed; small
     * payloads are copied at once, larger ones are written from the buffer itself, so do not
     * change it until the future completes.
     */
    CompletableFuture<Void> sendBinary(ByteBuffer data);

    /**
     * Sends one part of a binary message: the first call starts the message, the next ones
     * continue it, and the call with {@code last} true ends it. Each part leaves as one frame
     * as soon as it is sent, so a message of any size can be streamed without being held whole
     * (a file, a proxied body, media). The buffer is consumed as by {@link #sendBinary(ByteBuffer)}.
     *
     * <p>While a message is open (first part sent, last not), no other message may start: other
     * sends, on this or another thread, fail with {@link IllegalStateException} naming the open
     * message, and a {@link Topic} publishes nothing to this connection (counted as dropped).
     * Pings, pongs and {@link #close} may come in between. A text part while a binary message
     * is open fails the same way. Parts are sent uncompressed even when permessage-deflate was
     * agreed (each part leaves before the message's end is known; RFC 7692 allows a message
     * to go uncompressed).
     *
     * <p>Each part's future completes as for {@link #sendBinary(ByteBuffer)}, and each part counts
     * against the outbound limit on its own: a part refused by the slow-consumer policy fails its
     * future and leaves the message open (by default the connection is closed then anyway). Pace
     * large streams with {@link #isWritable()} and {@link WebSocketHandler#onWritable}. Parts
     * sent from several threads go out in the order the calls happened, so send a message's parts
     * from one thread at a time.
     */
    CompletableFuture<Void> sendBinaryPart(ByteBuffer part, boolean last);

    /**
     * Sends one part of a text message; see {@link #sendBinaryPart}. Each part is encoded to
     * UTF-8 on its own, so it must not end between the two halves of a surrogate pair: a part
     * (other than the last) that ends with a high surrogate fails its future with
     * {@link IllegalArgumentException} and nothing is sent; split text at code points
     * ({@link Character#isHighSurrogate}). Unpaired surrogates inside a part are sent as
     * {@code ?}, as by {@link #sendText(CharSequence)}.
     */
    CompletableFuture<Void> sendTextPart(CharSequence part, boolean last);

    /**
     * Queues a text message given as UTF-8 bytes, with no future: for senders that do not wait
     * for each message (an echo, a relay, a stream paced by {@link #isWritable()} and
     * {@link WebSocketHandler#onWritable}), a send that allocates nothing. The buffer is consumed
     * as by {@link #sendText(ByteBuffer)}.
     *
     * @return false, having queued nothing, when the connection is closing or closed, the bytes
     *         are not UTF-8, or the message would pass the outbound limit (which under the
     *         default slow-consumer policy also closes the connection, 1008); true when accepted.
     *         Called off the event loop, true means accepted for the loop, which still refuses it
     *         if the connection closes first. What is accepted is written unless the connection
     *         fails before, which {@link WebSocketHandler#onClose} reports; use the {@code send}
     *         methods to learn the fate of each message.
     */
    boolean queueText(ByteBuffer utf8);

    /** Queues a binary message with no future; see {@link #queueText(ByteBuffer)}. */
    boolean queueBinary(ByteBuffer data);

    /** Sends a binary message; the array is copied. */
    default CompletableFuture<Void> sendBinary(byte[] data) {
        return sendBinary(ByteBuffer.wrap(data.clone()));
    }

    /**
     * Sends a message framed once for many connections (see {@link Topic} for fan-out). On the
     * server this writes the shared frame bytes; a client frames it like any other message.
     */
    CompletableFuture<Void> sendPrepared(PreparedMessage message);

    /** Sends a ping of at most 125 bytes; the pong arrives at {@link WebSocketHandler#onPong}. */
    CompletableFuture<Void> sendPing(ByteBuffer payload);

    /**
     * Starts the closing handshake with {@code code} (1000–1003, 1007–1014, 3000–4999) and a
     * reason of at most 123 UTF-8 bytes. {@link WebSocketHandler#onClose} follows once the peer
     * answers or the close timeout passes.
     *
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    CompletableFuture<Void> close(int code, String reason);

    /** Closes with 1000 Normal Closure. */
    default CompletableFuture<Void> close() {
        return close(1000, "");
    }

    /** Closes the TCP connection at once, without a closing handshake (the peer sees 1006). */
    void abort();

    /** Bytes accepted for sending and not yet written to the socket. */
    long bufferedAmount();

    /**
     * Whether {@link #bufferedAmount()} is under the high watermark. When it is not, a sender
     * should wait for {@link WebSocketHandler#onWritable}.
     */
    boolean isWritable();

    /** Whether the connection is open: not closing, not closed. */
    boolean isOpen();

    /** Stops reading from the peer (TCP flow control then slows the peer down). */
    void pauseReading();

    /** Reads again after {@link #pauseReading()}. */
    void resumeReading();

    /** The subprotocol agreed in the handshake, or null. */
    String subprotocol();

    /** The extensions agreed in the handshake, by name (for example {@code permessage-deflate}). */
    List<String> extensions();

    /** The request URI: the path and query the client asked for (and scheme, host, port on the client). */
    URI requestUri();

    /** The peer's address. */
    InetSocketAddress remoteAddress();

    /** The local address. */
    InetSocketAddress localAddress();

    /**
     * The TLS session of a wss:// connection: protocol, cipher suite, and the peer's certificates
     * as the handshake verified them. Empty for ws://. Available from
     * {@link WebSocketHandler#onOpen} on, since the TLS handshake is over before the WebSocket
     * opens.
     */
    default Optional<SSLSession> tlsSession() {
        return Optional.empty();
    }

    /**
     * The certificate chain the peer presented and the TLS handshake verified, the peer's own
     * certificate first. On a server, the client's certificate under mutual TLS (see
     * {@link WebSocketServer.Builder#clientAuth}): {@code peerCertificates().get(0)
     * .getSubjectX500Principal()} says who connected. On a client, the server's chain. Empty for
     * ws:// and for a client that presented no certificate to a server that did not require one.
     * Available from {@link WebSocketHandler#onOpen} on.
     */
    default List<X509Certificate> peerCertificates() {
        Optional<SSLSession> session = tlsSession();
        if (session.isEmpty()) {
            return List.of();
        }
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.get().getPeerCertificates()) {
                if (c instanceof X509Certificate x509) {
                    chain.add(x509);
                }
            }
            return List.copyOf(chain);
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the peer presented none
        }
    }

    /** The value stored under {@code key} on this connection, or null. */
    <T> T attribute(String key);

    /** Stores a value on this connection (null removes it). */
    void attribute(String key, Object value);
}
