package dev.duplex.conformance;

import dev.duplex.conformance.Case.Chop;
import dev.duplex.conformance.Case.Compressed;
import dev.duplex.conformance.Case.Ending;
import dev.duplex.conformance.Case.Event;
import dev.duplex.conformance.Case.Frame;
import dev.duplex.conformance.Case.Part;
import dev.duplex.conformance.Case.Pause;
import dev.duplex.conformance.Case.Raw;
import dev.duplex.conformance.Case.Send;
import dev.duplex.conformance.Case.Step;
import dev.duplex.conformance.Case.Stream;
import dev.duplex.conformance.Case.Truncated;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * One raw connection, after its opening handshake: plays a {@link Case} and judges what the peer
 * sends back. A reader thread parses the peer's frames as they come (checking masking, RSV
 * bits, opcodes, control frame rules), reassembles and inflates messages, and queues what it saw;
 * the judge takes them off the queue in order against the case's expectation.
 */
final class RawPeer implements AutoCloseable {
    /** How long after the close frames the peer has to close TCP (server mode). */
    static final long EOF_BOUND_MS = 2000;

    private static final int EOF = -1;
    private static final int VIOLATION = -2;

    /** What the reader saw: a message, a control frame, the end of the stream, or a violation. */
    private record Got(int opcode, byte[] payload, String note) {
        @Override
        public String toString() {
            return switch (opcode) {
                case EOF -> "TCP closed" + (note == null ? "" : " (" + note + ")");
                case VIOLATION -> "peer violation: " + note;
                case Wire.CLOSE -> "close" + describeClose(payload);
                default -> new Event(opcode, payload).toString();
            };
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final boolean harnessIsClient;
    private final HarnessDeflate deflate;
    private final BlockingQueue<Got> queue = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final List<String> log = new ArrayList<>();
    private volatile boolean sentClose;
    private volatile int firstCloseSent = Integer.MIN_VALUE;
    private volatile String writeError;

    /**
     * @param in      the socket's input, positioned just after the handshake response or request
     * @param deflate the negotiated permessage-deflate, or null
     */
    RawPeer(Socket socket, InputStream in, boolean harnessIsClient, HarnessDeflate deflate) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.harnessIsClient = harnessIsClient;
        this.deflate = deflate;
        this.reader = new Thread(() -> read(new DataInputStream(in)), "conformance-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The code of the first close the harness sent (NO_CODE without payload), if any. */
    int firstCloseSent() {
        return firstCloseSent;
    }

    boolean sentClose() {
        return sentClose;
    }

    /** What the judge decided about the peer's close, for the caller's further checks. */
    record Outcome(int peerCloseCode, int harnessCloseCode) {}

    /** Plays the case and judges it; throws AssertionError with the whole story on a failure. */
    Outcome play(Case c) {
        long start = System.nanoTime();
        long deadline = start + c.bound().toNanos();
        // Send on a thread of its own while judging here, so that a long stream is checked as it
        // comes back instead of piling up.
        Thread sender = new Thread(() -> {
            for (Step s : c.steps()) {
                if (s instanceof Pause p) {
                    sleep(p.millis());
                } else {
                    send((Send) s);
                }
            }
        }, "conformance-sender");
        sender.setDaemon(true);
        sender.start();
        int i = 0;
        for (Event e : c.expect().events()) {
            Got g = next(deadline, c, "event " + i + " (" + e + ")");
            if (g.opcode() == EOF || g.opcode() == VIOLATION || g.opcode() == Wire.CLOSE
                    || !e.matches(g.opcode(), g.payload())) {
                throw failure(c, "event " + i + ": expected " + e + ", got " + g);
            }
            i++;
        }
        try {
            sender.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            throw failure(c, "sending the case did not finish within " + c.bound().toMillis() + " ms");
        }
        Ending end = c.expect().ending();
        if (!end.fail() && !sentClose) {
            write(Wire.encode(true, 0, Wire.CLOSE, Wire.closePayload(1000), harnessIsClient), Chop.WHOLE);
            noteClose(1000);
        }
        Got g = next(deadline, c, "the close frame (" + end.describe() + ")");
        if (g.opcode() != Wire.CLOSE) {
            throw failure(c, "expected a close frame (" + end.describe() + "), got " + g
                    + (g.opcode() == EOF && end.fail() ? " (TCP closed without a close frame first)" : ""));
        }
        int code = closeCode(g.payload());
        if (!end.codes().contains(code)) {
            throw failure(c, "expected " + end.describe() + ", got close" + describeClose(g.payload()));
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        log.add("close" + describeClose(g.payload()) + " after " + elapsedMs + " ms");
        if (!sentClose) {
            // Answer the peer's close by echoing its code, as RFC 6455 §5.5.1 asks.
            write(Wire.encode(true, 0, Wire.CLOSE, code == Case.NO_CODE ? new byte[0] : Wire.closePayload(code),
                    harnessIsClient), Chop.WHOLE);
            noteClose(code);
        }
        if (harnessIsClient) {
            // The server closes TCP first (RFC 6455 §7.1.1), and sends nothing after its close.
            Got after = poll(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EOF_BOUND_MS));
            if (after == null) {
                throw failure(c, "the server did not close TCP within " + EOF_BOUND_MS + " ms of the closing handshake");
            }
            if (after.opcode() != EOF) {
                throw failure(c, "after its close frame the server sent " + after);
            }
        } else {
            // We are the server: we close TCP. Whatever the client sent after its close is a fault.
            Got after = queue.poll();
            if (after != null && after.opcode() != EOF) {
                throw failure(c, "after its close frame the client sent " + after);
            }
        }
        return new Outcome(code, firstCloseSent);
    }

    private Got next(long deadline, Case c, String waitingFor) {
        Got g = poll(deadline);
        if (g == null) {
            throw failure(c, "timed out after " + c.bound().toMillis() + " ms waiting for " + waitingFor);
        }
        return g;
    }

    private Got poll(long deadline) {
        try {
            return queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private AssertionError failure(Case c, String what) {
        StringBuilder s = new StringBuilder(c.id()).append(" [").append(c.title()).append("]: ").append(what);
        if (writeError != null) {
            s.append("; writing failed: ").append(writeError);
        }
        if (!log.isEmpty()) {
            s.append("; before that: ").append(String.join(", ", log.subList(Math.max(0, log.size() - 8), log.size())));
        }
        return new AssertionError(s.toString());
    }

    // ------------------------------------------------------------------ sending

    private void send(Send s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Part p : s.parts()) {
            if (p instanceof Frame f) {
                bytes.writeBytes(encode(f));
                if (f.opcode() == Wire.CLOSE) {
                    byte[] pl = f.payload();
                    noteClose(pl.length >= 2 ? (pl[0] & 0xFF) << 8 | pl[1] & 0xFF : Case.NO_CODE);
                }
            } else if (p instanceof Truncated t) {
                byte[] whole = encode(t.frame());
                int header = Wire.headerLength(t.frame().payload().length, mask(t.frame()));
                bytes.write(whole, 0, header + t.payloadBytes());
            } else if (p instanceof Compressed m) {
                writeCompressed(m, bytes);
            } else if (p instanceof Raw r) {
                bytes.writeBytes(r.bytes());
            } else if (p instanceof Stream st) {
                for (int i = 0; i < st.count(); i++) {
                    bytes.writeBytes(encode(st.frame().apply(i)));
                    if (bytes.size() > (1 << 20)) {
                        write(bytes.toByteArray(), s.chop());
                        bytes.reset();
                    }
                }
            }
        }
        write(bytes.toByteArray(), s.chop());
    }

    private void writeCompressed(Compressed m, ByteArrayOutputStream bytes) {
        if (deflate == null) {
            throw new IllegalStateException("a compressed message on a connection without permessage-deflate");
        }
        byte[] data = deflate.compress(m.payload());
        int pieces = Math.max(1, Math.min(m.pieces(), Math.max(1, data.length)));
        for (int k = 0; k < pieces; k++) {
            int from = (int) ((long) data.length * k / pieces);
            int to = (int) ((long) data.length * (k + 1) / pieces);
            boolean last = k == pieces - 1;
            int rsv = k == 0 ? 4 : m.continuationRsv();
            bytes.writeBytes(encode(new Frame(last, rsv, k == 0 ? m.opcode() : Wire.CONTINUATION,
                    Wire.slice(data, from, to))));
            if (!last && m.between() != null) {
                bytes.writeBytes(encode(m.between()));
            }
        }
    }

    private boolean mask(Frame f) {
        return f.mask() != null ? f.mask() : harnessIsClient;
    }

    private byte[] encode(Frame f) {
        return Wire.encode(f.fin(), f.rsv(), f.opcode(), f.payload(), mask(f));
    }

    private void noteClose(int code) {
        if (!sentClose) {
            sentClose = true;
            firstCloseSent = code;
        }
    }

    private void write(byte[] b, Chop chop) {
        if (writeError != null) {
            return;
        }
        try {
            int p = 0;
            while (p < b.length) {
                int n = p < chop.upTo() ? Math.min(chop.size(), chop.upTo() - p) : chop.rest();
                n = Math.min(n, b.length - p);
                out.write(b, p, n);
                p += n;
            }
            out.flush();
        } catch (IOException e) {
            writeError = e.toString(); // the peer may close while we write (a failed connection); judged later
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ reading

    private void read(DataInputStream in) {
        ByteArrayOutputStream message = null;
        int messageOpcode = 0;
        boolean compressed = false;
        boolean closed = false;
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    queue.add(new Got(EOF, null, null));
                    return;
                }
                int b1 = in.readUnsignedByte();
                boolean fin = (b0 & 0x80) != 0;
                int rsv = b0 >> 4 & 7;
                int op = b0 & 0xF;
                boolean masked = (b1 & 0x80) != 0;
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                if (masked == harnessIsClient) {
                    violation(harnessIsClient ? "a masked frame from the server (RFC 6455 §5.1)"
                            : "an unmasked frame from the client (RFC 6455 §5.1)");
                    return;
                }
                byte[] key = new byte[4];
                if (masked) {
                    in.readFully(key);
                }
                if (len > (64L << 20) || len < 0) {
                    violation("a frame of " + len + " bytes");
                    return;
                }
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                if (masked) {
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= key[i & 3];
                    }
                }
                if (closed) {
                    violation("a " + Wire.opcodeName(op) + " frame after its close frame");
                    return;
                }
                boolean control = op >= 8;
                if (op != 0 && op != 1 && op != 2 && op != 8 && op != 9 && op != 10) {
                    violation("reserved opcode " + op);
                    return;
                }
                boolean rsv1Allowed = deflate != null && (op == Wire.TEXT || op == Wire.BINARY);
                if (rsv != 0 && !(rsv == 4 && rsv1Allowed)) {
                    violation("RSV bits " + rsv + " on a " + Wire.opcodeName(op) + " frame");
                    return;
                }
                if (control) {
                    if (!fin || len > 125) {
                        violation("a control frame " + (fin ? "of " + len + " bytes" : "fragmented"));
                        return;
                    }
                    if (op == Wire.CLOSE) {
                        String bad = badClosePayload(payload);
                        if (bad != null) {
                            violation(bad);
                            return;
                        }
                        closed = true;
                    }
                    queue.add(new Got(op, payload, null));
                    continue;
                }
                if (op == Wire.CONTINUATION) {
                    if (message == null) {
                        violation("a continuation frame with no message started");
                        return;
                    }
                } else {
                    if (message != null) {
                        violation("a new " + Wire.opcodeName(op) + " message inside an unfinished one");
                        return;
                    }
                    message = new ByteArrayOutputStream(payload.length);
                    messageOpcode = op;
                    compressed = rsv == 4;
                }
                message.writeBytes(payload);
                if (fin) {
                    byte[] m = message.toByteArray();
                    if (compressed) {
                        try {
                            m = deflate.decompress(m);
                        } catch (DataFormatException e) {
                            violation("a compressed message that does not inflate: " + e.getMessage());
                            return;
                        }
                    }
                    if (messageOpcode == Wire.TEXT && !validUtf8(m)) {
                        violation("a text message that is not UTF-8: " + Wire.hexOf(m, 32));
                        return;
                    }
                    queue.add(new Got(messageOpcode, m, null));
                    message = null;
                }
            }
        } catch (EOFException e) {
            queue.add(new Got(EOF, null, "in the middle of a frame"));
        } catch (IOException e) {
            queue.add(new Got(EOF, null, e.getMessage()));
        }
    }

    private void violation(String what) {
        queue.add(new Got(VIOLATION, null, what));
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    static boolean validUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** What is wrong with a close payload the peer sent, or null (RFC 6455 §5.5.1, §7.4). */
    private static String badClosePayload(byte[] p) {
        if (p.length == 1) {
            return "a close frame with a 1-byte payload";
        }
        if (p.length >= 2) {
            int code = closeCode(p);
            if (!validCode(code)) {
                return "close code " + code + ", which may not be sent";
            }
            if (!validUtf8(Wire.slice(p, 2, p.length))) {
                return "a close reason that is not UTF-8";
            }
        }
        return null;
    }

    static boolean validCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    static int closeCode(byte[] p) {
        return p.length < 2 ? Case.NO_CODE : (p[0] & 0xFF) << 8 | p[1] & 0xFF;
    }

    static String describeClose(byte[] p) {
        if (p.length < 2) {
            return " (no code)";
        }
        String reason = new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
        return " " + closeCode(p) + (reason.isEmpty() ? "" : " \"" + (reason.length() > 40 ? reason.substring(0, 40) + "..." : reason) + "\"");
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
