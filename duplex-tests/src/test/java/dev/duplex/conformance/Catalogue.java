package dev.duplex.conformance;

import dev.duplex.conformance.Case.Chop;
import dev.duplex.conformance.Case.Compressed;
import dev.duplex.conformance.Case.Ending;
import dev.duplex.conformance.Case.Event;
import dev.duplex.conformance.Case.Expect;
import dev.duplex.conformance.Case.Frame;
import dev.duplex.conformance.Case.Part;
import dev.duplex.conformance.Case.Pause;
import dev.duplex.conformance.Case.Raw;
import dev.duplex.conformance.Case.Send;
import dev.duplex.conformance.Case.Step;
import dev.duplex.conformance.Case.Stream;
import dev.duplex.conformance.Case.Truncated;
import dev.duplex.conformance.Utf8Vectors.Vector;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The numbered case catalogue (groups 1-8 and 10; group 9, the opening handshake, lives in the
 * test classes because it speaks HTTP, not frames). Modelled on the Autobahn|Testsuite case list:
 * the same cases in the same spirit, numbered our own way, and judged more strictly (the exact
 * close code where the RFC names one).
 *
 * <p>The same catalogue serves both modes; only masking differs, and the harness's role decides
 * it (client frames masked, server frames not) except where a case breaks the rule on purpose.
 */
final class Catalogue {
    static final int MIB = 1 << 20;
    /** The message limit of the peer under test, as in {@code duplex serve}. */
    static final int MAX_MESSAGE = 16 * MIB;

    /** The default bound of a case: from the first byte sent to the peer's close frame. */
    static final Duration BOUND = Duration.ofSeconds(5);
    /** Fail-fast cases: the peer must fail within this, without the rest of the message. */
    static final Duration FAST = Duration.ofSeconds(3);

    private static final int[] FRAMING_SIZES = {0, 125, 126, 127, 128, 65535, 65536, MAX_MESSAGE};
    private static final int[] VALID_CODES = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
        3000, 3999, 4000, 4999};
    private static final int[] INVALID_CODES = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535};

    private final boolean harnessIsClient;
    private final List<Case> cases = new ArrayList<>();
    private int combo;

    private Catalogue(boolean harnessIsClient) {
        this.harnessIsClient = harnessIsClient;
    }

    /**
     * Every case for one mode.
     *
     * @param combos the permessage-deflate combinations of group 10, by number (1-based)
     */
    static List<Case> build(boolean harnessIsClient, List<String> combos) {
        Catalogue c = new Catalogue(harnessIsClient);
        c.framing();
        c.pingPong();
        c.reservedBits();
        c.opcodes();
        c.fragmentation();
        c.utf8();
        c.close();
        c.limits();
        for (int k = 1; k <= combos.size(); k++) {
            c.deflate(k, combos.get(k - 1));
        }
        return List.copyOf(c.cases);
    }

    // ------------------------------------------------------------------ DSL

    private void add(String id, String title, Expect expect, Step... steps) {
        add(id, title, expect, BOUND, steps);
    }

    private void add(String id, String title, Expect expect, Duration bound, Step... steps) {
        cases.add(new Case(id, title, List.of(steps), expect, bound, combo));
    }

    static Frame frame(boolean fin, int rsv, int op, byte[] p) {
        return new Frame(fin, rsv, op, p);
    }

    static Frame text(byte[] p) {
        return frame(true, 0, Wire.TEXT, p);
    }

    static Frame text(String s) {
        return text(Wire.utf8(s));
    }

    static Frame binary(byte[] p) {
        return frame(true, 0, Wire.BINARY, p);
    }

    static Frame ping(byte[] p) {
        return frame(true, 0, Wire.PING, p);
    }

    static Frame pong(byte[] p) {
        return frame(true, 0, Wire.PONG, p);
    }

    static Frame close(int code) {
        return frame(true, 0, Wire.CLOSE, Wire.closePayload(code));
    }

    static Frame close(int code, byte[] reason) {
        return frame(true, 0, Wire.CLOSE, Wire.closePayload(code, reason));
    }

    static Frame start(int op, byte[] p) {
        return frame(false, 0, op, p);
    }

    static Frame cont(boolean fin, byte[] p) {
        return frame(fin, 0, Wire.CONTINUATION, p);
    }

    static Send send(Part... parts) {
        return new Send(List.of(parts), Chop.WHOLE);
    }

    static Send chopped(Chop chop, Part... parts) {
        return new Send(List.of(parts), chop);
    }

    static Pause pause(long ms) {
        return new Pause(ms);
    }

    static Expect echo(Event... events) {
        return new Expect(List.of(events), Ending.clean());
    }

    static Expect fail(int code, Event... before) {
        return new Expect(List.of(before), Ending.fail(code));
    }

    static Expect reply(Integer[] codes, Event... before) {
        return new Expect(List.of(before), Ending.closeReply(codes));
    }

    static Event echoOf(Frame f) {
        return new Event(f.opcode(), f.payload());
    }

    static Event ev(int op, byte[] p) {
        return new Event(op, p);
    }

    static byte[] b(String s) {
        return Wire.utf8(s);
    }

    static String size(int n) {
        return n >= MIB ? n / MIB + " MiB" : n >= 1024 && n % 1024 == 0 ? n / 1024 + " KiB" : n + " bytes";
    }

    private static Duration boundFor(long bytes) {
        return bytes >= 4L * MIB ? Duration.ofSeconds(5 + bytes / MIB) : BOUND; // 16 MiB: 21 s
    }

    private Frame wrongMask(Frame f) {
        return new Frame(f.fin(), f.rsv(), f.opcode(), f.payload(), !harnessIsClient);
    }

    // ------------------------------------------------------------------ 1 framing

    private void framing() {
        int n = 0;
        for (int op : new int[] {Wire.TEXT, Wire.BINARY}) {
            for (Chop chop : new Chop[] {Chop.WHOLE, Chop.BYTES}) {
                n++;
                int k = 0;
                for (int size : FRAMING_SIZES) {
                    byte[] p = op == Wire.TEXT ? Wire.asciiText(size) : Wire.binary(size, size);
                    Frame f = frame(true, 0, op, p);
                    add("1." + n + "." + ++k, Wire.opcodeName(op) + " message of " + size(size) + ", " + chop.describe(),
                            echo(echoOf(f)), boundFor(size), chopped(chop, f));
                }
            }
        }
        Frame wrong = wrongMask(text("Hello"));
        String rule = harnessIsClient ? "unmasked frame from the client" : "masked frame from the server";
        add("1.5.1", rule + " (RFC 6455 §5.1)", fail(1002), FAST, send(wrong));
        add("1.5.2", "valid text, then an " + rule, fail(1002, echoOf(text("Hello"))), FAST,
                send(text("Hello"), wrong));
        add("1.5.3", rule + ", 1-byte writes", fail(1002), FAST, chopped(Chop.BYTES, wrong));
        add("1.6.1", "3 text messages in one write", echo(Event.text(b("a")), Event.text(b("bc")), Event.text(b("def"))),
                send(text("a"), text("bc"), text("def")));
        add("1.6.2", "text then binary then text, 1-byte writes",
                echo(Event.text(b("one")), Event.binary(Wire.binary(300, 3)), Event.text(b("three"))),
                chopped(Chop.BYTES, text("one"), binary(Wire.binary(300, 3)), text("three")));
    }

    // ------------------------------------------------------------------ 2 ping/pong

    private void pingPong() {
        byte[] hello = b("Hello, world!");
        byte[] bin = Wire.hex("00 ff fe fd fc fb 00 ff");
        add("2.1", "ping without payload", echo(Event.pong(new byte[0])), send(ping(new byte[0])));
        add("2.2", "ping with a small text payload", echo(Event.pong(hello)), send(ping(hello)));
        add("2.3", "ping with a small binary payload", echo(Event.pong(bin)), send(ping(bin)));
        add("2.4", "ping with a 125-byte payload", echo(Event.pong(Wire.binary(125, 4))), send(ping(Wire.binary(125, 4))));
        add("2.5", "ping with a 126-byte payload", fail(1002), FAST, send(ping(Wire.binary(126, 5))));
        add("2.6", "ping with a 125-byte payload, 1-byte writes", echo(Event.pong(Wire.binary(125, 6))),
                chopped(Chop.BYTES, ping(Wire.binary(125, 6))));
        add("2.7", "unsolicited pong without payload", echo(), send(pong(new byte[0])));
        add("2.8", "unsolicited pong with payload", echo(), send(pong(b("unsolicited pong payload"))));
        add("2.9", "unsolicited pong, then ping", echo(Event.pong(b("ping payload"))),
                send(pong(b("unsolicited pong payload")), ping(b("ping payload"))));
        List<Frame> pings = new ArrayList<>();
        List<Event> pongs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pings.add(ping(b("payload-" + i)));
            pongs.add(Event.pong(b("payload-" + i)));
        }
        Expect tenPongs = new Expect(pongs, Ending.clean());
        add("2.10", "10 pings in a row (each answered)", tenPongs, new Send(List.copyOf(pings), Chop.WHOLE));
        add("2.11", "10 pings in a row, 1-byte writes", tenPongs, new Send(List.copyOf(pings), Chop.BYTES));
        add("2.12", "ping in 3-byte writes", echo(Event.pong(hello)), chopped(Chop.of(3), ping(hello)));
        add("2.13", "text then ping: echo then pong", echo(Event.text(b("first")), Event.pong(hello)),
                send(text("first"), ping(hello)));
        add("2.14", "header of a ping declaring 126 bytes, no payload (fail fast)", fail(1002), FAST,
                send(new Truncated(ping(Wire.binary(126, 7)), 0)));
        add("2.15", "ping declaring 65,535 bytes (16-bit length), header only", fail(1002), FAST,
                send(new Truncated(ping(Wire.binary(65535, 7)), 0)));
        add("2.16", "pong with a 126-byte payload", fail(1002), FAST, send(pong(Wire.binary(126, 8))));
        for (int len = 0; len <= 125; len++) {
            byte[] p = Wire.binary(len, 1000 + len);
            add("2.17." + len, "ping with a " + len + "-byte binary payload", echo(Event.pong(p)), send(ping(p)));
        }
    }

    // ------------------------------------------------------------------ 3 reserved bits

    private void reservedBits() {
        for (int rsv = 1; rsv <= 7; rsv++) {
            String r = "RSV=" + rsv;
            Frame valid = text("Hello");
            Frame[] bad = {
                frame(true, rsv, Wire.TEXT, b("Hello")),
                frame(true, rsv, Wire.BINARY, Wire.binary(16, rsv)),
                frame(true, rsv, Wire.PING, b("ping")),
                frame(true, rsv, Wire.PONG, b("pong")),
                frame(true, rsv, Wire.CLOSE, Wire.closePayload(1000)),
            };
            int n = 0;
            for (Frame f : bad) {
                String what = r + " on a " + Wire.opcodeName(f.opcode());
                add("3." + rsv + "." + ++n, what, fail(1002), FAST, send(f));
                add("3." + rsv + "." + ++n, "valid text, then " + what + ", then a ping (no pong)",
                        fail(1002, echoOf(valid)), FAST, send(valid, f, ping(b("late"))));
            }
            add("3." + rsv + "." + ++n, r + " on a text, 1-byte writes", fail(1002), FAST, chopped(Chop.BYTES, bad[0]));
            add("3." + rsv + "." + ++n, r + " on a continuation of a fragmented text", fail(1002), FAST,
                    send(start(Wire.TEXT, b("frag")), frame(true, rsv, Wire.CONTINUATION, b("ment"))));
        }
    }

    // ------------------------------------------------------------------ 4 opcodes

    private void opcodes() {
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            String what = "reserved " + (op < 8 ? "data" : "control") + " opcode " + op;
            Frame empty = frame(true, 0, op, new byte[0]);
            Frame full = frame(true, 0, op, b("reserved opcode payload"));
            add("4." + op + ".1", what + ", empty", fail(1002), FAST, send(empty));
            add("4." + op + ".2", what + ", with payload", fail(1002), FAST, send(full));
            add("4." + op + ".3", "valid text, then " + what + ", then a ping (no pong)",
                    fail(1002, Event.text(b("Hello"))), FAST, send(text("Hello"), full, ping(b("late"))));
            add("4." + op + ".4", what + ", 1-byte writes", fail(1002), FAST, chopped(Chop.BYTES, full));
            add("4." + op + ".5", what + " between fragments of a text", fail(1002), FAST,
                    send(start(Wire.TEXT, b("frag")), full, cont(true, b("ment"))));
        }
    }

    // ------------------------------------------------------------------ 5 fragmentation

    private void fragmentation() {
        byte[] f1 = b("fragment1");
        byte[] f2 = b("fragment2");
        Event whole = Event.text(b("fragment1fragment2"));
        Event pongP = Event.pong(b("ping payload"));
        Frame pingP = ping(b("ping payload"));
        add("5.1", "ping in 2 fragments", fail(1002), FAST,
                send(frame(false, 0, Wire.PING, f1), cont(true, f2)));
        add("5.2", "pong in 2 fragments", fail(1002), FAST,
                send(frame(false, 0, Wire.PONG, f1), cont(true, f2)));
        add("5.3", "close in 2 fragments", fail(1002), FAST,
                send(frame(false, 0, Wire.CLOSE, Wire.closePayload(1000)), cont(true, f2)));
        add("5.4", "text in 2 fragments", echo(whole), send(start(Wire.TEXT, f1), cont(true, f2)));
        add("5.5", "text in 2 fragments, 1-byte writes", echo(whole),
                chopped(Chop.BYTES, start(Wire.TEXT, f1), cont(true, f2)));
        add("5.6", "text in 2 fragments, 200 ms apart", echo(whole),
                send(start(Wire.TEXT, f1)), pause(200), send(cont(true, f2)));
        add("5.7", "text in 2 fragments, a ping between", echo(pongP, whole),
                send(start(Wire.TEXT, f1), pingP, cont(true, f2)));
        add("5.8", "text in 2 fragments, a ping between, 1-byte writes", echo(pongP, whole),
                chopped(Chop.BYTES, start(Wire.TEXT, f1), pingP, cont(true, f2)));
        add("5.9", "text in 2 fragments, a ping between, each write 100 ms apart", echo(pongP, whole),
                send(start(Wire.TEXT, f1)), pause(100), send(pingP), pause(100), send(cont(true, f2)));
        add("5.10", "continuation (fin) without a message started", fail(1002), FAST, send(cont(true, f1)));
        add("5.11", "continuation (fin) without a message started, 1-byte writes", fail(1002), FAST,
                chopped(Chop.BYTES, cont(true, f1)));
        add("5.12", "continuation (not fin) without a message started", fail(1002), FAST, send(cont(false, f1)));
        add("5.13", "continuation (not fin) without a message started, 1-byte writes", fail(1002), FAST,
                chopped(Chop.BYTES, cont(false, f1)));
        add("5.14", "text fragmented, then continuation (not fin) and text (stray continuation after the end)",
                fail(1002, whole), FAST,
                send(start(Wire.TEXT, f1), cont(true, f2), cont(false, b("fragment3")), text("fragment4")));
        add("5.15", "text (not fin), then a new text: new message inside an unfinished one", fail(1002), FAST,
                send(start(Wire.TEXT, f1), text("fragment2")));
        add("5.16", "text (not fin), then a binary", fail(1002), FAST,
                send(start(Wire.TEXT, f1), binary(f2)));
        add("5.17", "binary (not fin), then a text (not fin)", fail(1002), FAST,
                send(start(Wire.BINARY, f1), start(Wire.TEXT, f2)));
        add("5.18", "new message inside an unfinished one, 1-byte writes", fail(1002), FAST,
                chopped(Chop.BYTES, start(Wire.TEXT, f1), text("fragment2")));
        List<Part> five = new ArrayList<>();
        List<Part> fivePongs = new ArrayList<>();
        List<Event> fourPongs = new ArrayList<>();
        StringBuilder joined = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            byte[] p = b("fragment" + i);
            joined.append("fragment").append(i);
            Frame fr = i == 1 ? start(Wire.TEXT, p) : cont(i == 5, p);
            five.add(fr);
            fivePongs.add(fr);
            if (i < 5) {
                byte[] pp = b("pongme " + i);
                five.add(ping(pp));
                fivePongs.add(pong(pp));
                fourPongs.add(Event.pong(pp));
            }
        }
        List<Event> pongsThenEcho = new ArrayList<>(fourPongs);
        pongsThenEcho.add(Event.text(b(joined.toString())));
        add("5.19", "text in 5 fragments, a ping between each", new Expect(pongsThenEcho, Ending.clean()),
                new Send(List.copyOf(five), Chop.WHOLE));
        add("5.20", "text in 5 fragments, a ping between each, 1-byte writes", new Expect(pongsThenEcho, Ending.clean()),
                new Send(List.copyOf(five), Chop.BYTES));
        add("5.21", "text in 5 fragments, an unsolicited pong between each", echo(Event.text(b(joined.toString()))),
                new Send(List.copyOf(fivePongs), Chop.WHOLE));
        add("5.22", "binary of 10,000 bytes in 100 fragments", echo(Event.binary(Wire.binary(10_000, 22))),
                send(fragments(Wire.BINARY, Wire.binary(10_000, 22), 100)));
        add("5.23", "text of 4,096 bytes in 4,096 one-byte fragments", echo(Event.text(Wire.asciiText(4096))),
                send(fragments(Wire.TEXT, Wire.asciiText(4096), 4096)));
        add("5.24", "binary of 1,000 bytes in 1,000 one-byte fragments, 1-byte writes",
                echo(Event.binary(Wire.binary(1000, 24))), chopped(Chop.BYTES, fragments(Wire.BINARY, Wire.binary(1000, 24), 1000)));
        byte[] none = new byte[0];
        add("5.25", "text of 3 empty fragments", echo(Event.text(none)),
                send(start(Wire.TEXT, none), cont(false, none), cont(true, none)));
        add("5.26", "text: empty, 'ab', empty fragments", echo(Event.text(b("ab"))),
                send(start(Wire.TEXT, none), cont(false, b("ab")), cont(true, none)));
        add("5.27", "binary of 3 empty fragments", echo(Event.binary(none)),
                send(start(Wire.BINARY, none), cont(false, none), cont(true, none)));
        add("5.28", "text of 3 empty fragments, 1-byte writes", echo(Event.text(none)),
                chopped(Chop.BYTES, start(Wire.TEXT, none), cont(false, none), cont(true, none)));
        add("5.29", "text (not fin), then close 1000: the unfinished message is dropped",
                reply(new Integer[] {1000}), send(start(Wire.TEXT, f1), close(1000)));
        add("5.30", "empty ping with fin=0", fail(1002), FAST, send(frame(false, 0, Wire.PING, none)));
        add("5.31", "text (not fin), then a fragmented ping", fail(1002), FAST,
                send(start(Wire.TEXT, f1), frame(false, 0, Wire.PING, b("ping")), cont(true, f2)));
        add("5.32", "binary in 2 fragments, a pong and a ping between, 1-byte writes",
                echo(pongP, Event.binary(Wire.concat(f1, f2))),
                chopped(Chop.BYTES, start(Wire.BINARY, f1), pong(b("x")), pingP, cont(true, f2)));
    }

    static Frame[] fragmentsArray(int op, byte[] data, int pieces) {
        Frame[] out = new Frame[pieces];
        for (int k = 0; k < pieces; k++) {
            int from = (int) ((long) data.length * k / pieces);
            int to = (int) ((long) data.length * (k + 1) / pieces);
            out[k] = frame(k == pieces - 1, 0, k == 0 ? op : Wire.CONTINUATION, Wire.slice(data, from, to));
        }
        return out;
    }

    static Part[] fragments(int op, byte[] data, int pieces) {
        return fragmentsArray(op, data, pieces);
    }

    // ------------------------------------------------------------------ 6 UTF-8

    private void utf8() {
        String[] splits = {"Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!", "\u03ba\u1f79\u03c3\u03bc\u03b5",
            "\ud834\udd1e clef, \u20ac euro"};
        for (int s = 0; s < splits.length; s++) {
            byte[] t = b(splits[s]);
            for (int k = 0; k <= t.length; k++) {
                add("6." + (s + 1) + "." + k, "valid text \"" + splits[s] + "\" in 2 fragments split at byte " + k,
                        echo(Event.text(t)), send(start(Wire.TEXT, Wire.slice(t, 0, k)), cont(true, Wire.slice(t, k, t.length))));
            }
        }
        add("6.4.1", "empty text message", echo(Event.text(new byte[0])), send(text(new byte[0])));
        add("6.4.2", "every valid vector in one message", echo(Event.text(Utf8Vectors.allValid())),
                send(text(Utf8Vectors.allValid())));
        add("6.4.3", "every valid vector in one message, one fragment per byte", echo(Event.text(Utf8Vectors.allValid())),
                send(fragments(Wire.TEXT, Utf8Vectors.allValid(), Utf8Vectors.allValid().length)));
        int n = 4;
        for (Vector v : Utf8Vectors.all()) {
            n++;
            byte[] p = v.bytes();
            boolean valid = v.valid();
            String what = v.name() + (valid ? " (valid)" : " (invalid)");
            Expect ex = valid ? echo(Event.text(p)) : fail(1007);
            Duration bound = valid ? BOUND : FAST;
            String id = "6." + n + ".";
            add(id + 1, what + ", whole", ex, bound, send(text(p)));
            if (p.length > 1) {
                add(id + 2, what + ", one fragment per byte", ex, bound, send(fragments(Wire.TEXT, p, p.length)));
            }
            add(id + 3, what + ", 1-byte writes", ex, bound, chopped(Chop.BYTES, text(p)));
            int bad = v.firstInvalid();
            if (!valid && bad < p.length) {
                // Fail fast: the peer gets the bytes up to the first invalid one and no more.
                add(id + 4, what + ", fail fast: fragment ending at the first invalid byte (" + bad
                        + "), message never finished", fail(1007), FAST, send(start(Wire.TEXT, Wire.slice(p, 0, bad + 1))));
                byte[] longer = Wire.concat(p, Wire.asciiText(100));
                add(id + 5, what + ", fail fast: frame cut after the first invalid byte (" + bad + ")",
                        fail(1007), FAST, send(new Truncated(text(longer), bad + 1)));
                if (bad > 0) {
                    add(id + 6, what + ", fail fast: valid prefix in one fragment, first invalid byte in the next",
                            fail(1007), FAST,
                            send(start(Wire.TEXT, Wire.slice(p, 0, bad)), cont(false, Wire.slice(p, bad, bad + 1))));
                }
            }
        }
    }

    // ------------------------------------------------------------------ 7 close

    private void close() {
        Integer[] normal = {1000};
        add("7.1.1", "text echoed, then close 1000", echo(Event.text(b("Hello"))), send(text("Hello")));
        add("7.1.2", "close 1000, then close again (the second ignored)", reply(normal), send(close(1000), close(1000)));
        add("7.1.3", "close 1000, then a ping (no pong)", reply(normal), send(close(1000), ping(b("late"))));
        add("7.1.4", "close 1000, then a text (data after close ignored)", reply(normal), send(close(1000), text("late")));
        add("7.1.5", "text (not fin), close, then the continuation (ignored)", reply(normal),
                send(start(Wire.TEXT, b("fragment1")), close(1000), cont(true, b("fragment2"))));
        byte[] big = Wire.asciiText(256 << 10);
        add("7.1.6", "256 KiB text, ping, close in one write", reply(normal, Event.text(big), Event.pong(b("p"))),
                send(text(big), ping(b("p")), close(1000)));
        add("7.1.7", "close 1000, then a reserved opcode (after close, ignored)", reply(normal),
                send(close(1000), frame(true, 0, 5, b("x"))));
        add("7.1.8", "close 1000, then a binary, 200 ms later", reply(normal),
                send(close(1000)), pause(200), send(binary(b("late"))));
        add("7.3.1", "close without payload", reply(new Integer[] {Case.NO_CODE, 1000}), send(frame(true, 0, Wire.CLOSE, new byte[0])));
        add("7.3.2", "close with a 1-byte payload", fail(1002), FAST, send(frame(true, 0, Wire.CLOSE, new byte[] {0x03})));
        add("7.3.3", "close 1000 without reason", reply(normal), send(close(1000)));
        add("7.3.4", "close 1000 with a reason", reply(normal), send(close(1000, b("Hello World!"))));
        add("7.3.5", "close 1000 with a 123-byte reason", reply(normal), send(close(1000, Wire.asciiText(123))));
        add("7.3.6", "close 1000 with a 124-byte reason (payload 126 > 125)", fail(1002), FAST,
                send(close(1000, Wire.asciiText(124))));
        add("7.3.7", "close 1000 with a 123-byte reason of 2-byte characters (\u00e9 \u00d7 61 + 'x')", reply(normal),
                send(close(1000, Wire.concat(b("\u00e9".repeat(61)), b("x")))));
        add("7.3.8", "close 1000, 1-byte writes", reply(normal), chopped(Chop.BYTES, close(1000, b("bye"))));
        add("7.5.1", "close with an invalid UTF-8 reason (surrogate)", fail(1007), FAST,
                send(close(1000, Wire.hex(Utf8Vectors.KOSME + " ed a0 80 65 64 69 74 65 64"))));
        add("7.5.2", "close with a reason truncated inside a character", fail(1007), FAST,
                send(close(1000, Wire.hex("61 62 ce"))));
        add("7.5.3", "close with an overlong reason byte", fail(1007), FAST, send(close(1000, Wire.hex("c0 af"))));
        int n = 0;
        for (int code : VALID_CODES) {
            add("7.7." + ++n, "close " + code + " (valid: echoed)", reply(new Integer[] {code}), send(close(code)));
        }
        n = 0;
        for (int code : INVALID_CODES) {
            add("7.9." + ++n, "close " + code + " (may not be sent)", fail(1002), FAST, send(close(code)));
        }
        add("7.11.1", "close after a fragmented message", reply(normal, Event.text(b("fragment1fragment2"))),
                send(start(Wire.TEXT, b("fragment1")), cont(true, b("fragment2")), close(1000)));
        add("7.11.2", "close after a fragmented binary with a ping between, 1-byte writes",
                reply(normal, Event.pong(b("p")), Event.binary(b("ab"))),
                chopped(Chop.BYTES, start(Wire.BINARY, b("a")), ping(b("p")), cont(true, b("b")), close(1000)));
        add("7.11.3", "close 3000 with a reason after a text", reply(new Integer[] {3000}, Event.text(b("x"))),
                send(text("x"), close(3000, b("bye"))));
    }

    // ------------------------------------------------------------------ 8 limits and speed

    private void limits() {
        int[] sizes = {64 << 10, 256 << 10, MIB, 4 * MIB, 8 * MIB, 16 * MIB};
        for (int t = 0; t < 2; t++) {
            int op = t == 0 ? Wire.TEXT : Wire.BINARY;
            int k = 0;
            for (int s : sizes) {
                byte[] p = op == Wire.TEXT ? Wire.asciiText(s) : Wire.binary(s, s + 1);
                add("8." + (t + 1) + "." + ++k, Wire.opcodeName(op) + " message of " + size(s),
                        echo(ev(op, p)), boundFor(s), send(frame(true, 0, op, p)));
            }
        }
        int[] fragSizes = {64, 256, 1024, 4096, 16 << 10, 64 << 10, 256 << 10, MIB, 4 * MIB};
        for (int t = 0; t < 2; t++) {
            int op = t == 0 ? Wire.TEXT : Wire.BINARY;
            byte[] p = op == Wire.TEXT ? Wire.asciiText(4 * MIB) : Wire.binary(4 * MIB, 77);
            int k = 0;
            for (int f : fragSizes) {
                add("8." + (t + 3) + "." + ++k, Wire.opcodeName(op) + " of 4 MiB in fragments of " + size(f),
                        echo(ev(op, p)), Duration.ofSeconds(10), send(fragments(op, p, p.length / f)));
            }
        }
        int[] writeSizes = {64, 128, 256, 512, 1024, 2048, 4096};
        for (int t = 0; t < 2; t++) {
            int op = t == 0 ? Wire.TEXT : Wire.BINARY;
            byte[] p = op == Wire.TEXT ? Wire.asciiText(MIB) : Wire.binary(MIB, 78);
            int k = 0;
            for (int w : writeSizes) {
                add("8." + (t + 5) + "." + ++k, Wire.opcodeName(op) + " of 1 MiB in " + w + "-byte writes",
                        echo(ev(op, p)), Duration.ofSeconds(10), chopped(Chop.of(w), frame(true, 0, op, p)));
            }
        }
        for (int t = 0; t < 2; t++) {
            int op = t == 0 ? Wire.TEXT : Wire.BINARY;
            int count = 1_000_000;
            List<Event> expected = new AbstractList<>() {
                @Override
                public Event get(int i) {
                    return ev(op, small(i));
                }

                @Override
                public int size() {
                    return count;
                }
            };
            add("8.7." + (t + 1), "1,000,000 " + Wire.opcodeName(op) + " messages of 16 bytes, pipelined, all echoed in order",
                    new Expect(expected, Ending.clean()), Duration.ofSeconds(60),
                    send(new Stream(count, i -> frame(true, 0, op, small(i)))));
        }
        add("8.8.1", "text declaring 16 MiB + 1 byte: header only (too big, decided from the length)", fail(1009), FAST,
                send(new Truncated(text(new byte[MAX_MESSAGE + 1]), 0)));
        byte[] huge = Wire.concat(Wire.hex("82"), new byte[] {(byte) ((harnessIsClient ? 0x80 : 0) | 127)},
                Wire.hex("4000000000000000"), harnessIsClient ? Wire.hex("01020304") : new byte[0]);
        add("8.8.2", "binary declaring 2^62 bytes: header only", fail(1009), FAST, send(new Raw(huge)));
        byte[] sixteen = Wire.asciiText(MAX_MESSAGE);
        add("8.8.3", "text: 16 MiB fragment, then a continuation of 1 byte (header only)", fail(1009),
                Duration.ofSeconds(20), send(start(Wire.TEXT, sixteen), new Truncated(cont(true, b("x")), 0)));
        add("8.8.4", "text of exactly 16 MiB in 2 fragments (at the limit)", echo(Event.text(sixteen)),
                Duration.ofSeconds(20), send(fragments(Wire.TEXT, sixteen, 2)));
    }

    static byte[] small(int i) {
        byte[] b = {'m', 's', 'g', '-', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0', '0'};
        for (int k = 15, v = i; v > 0; k--, v /= 10) {
            b[k] = (byte) ('0' + v % 10);
        }
        return b;
    }

    // ------------------------------------------------------------------ 10 permessage-deflate

    private void deflate(int k, String comboName) {
        combo = k;
        String p = "10." + k + ".";
        String tag = " [" + comboName + "]";
        int[] sizes = {0, 125, 126, 127, 128, 65535, 65536, MIB};
        int n = 0;
        for (int op : new int[] {Wire.TEXT, Wire.BINARY}) {
            for (int s : sizes) {
                byte[] m = op == Wire.TEXT ? Wire.asciiText(s) : Wire.binary(s, s + 10);
                add(p + "1." + ++n, "compressed " + Wire.opcodeName(op) + " of " + size(s) + tag, echo(ev(op, m)),
                        send(new Compressed(op, m)));
            }
            for (int s : new int[] {0, 128, 65536}) {
                byte[] m = op == Wire.TEXT ? Wire.asciiText(s) : Wire.binary(s, s + 11);
                add(p + "1." + ++n, "compressed " + Wire.opcodeName(op) + " of " + size(s) + ", 1-byte writes" + tag,
                        echo(ev(op, m)), chopped(Chop.BYTES, new Compressed(op, m)));
            }
        }
        // 2: series of messages, so that context takeover (or its absence) matters.
        List<Part> series = new ArrayList<>();
        List<Event> seriesEcho = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] m = Wire.slice(Wire.asciiText(4000), i % 7, i % 7 + (i * 37) % 2000);
            series.add(new Compressed(Wire.TEXT, m));
            seriesEcho.add(Event.text(m));
        }
        add(p + "2.1", "100 compressed texts of 0-2000 bytes, alike" + tag, new Expect(List.copyOf(seriesEcho), Ending.clean()),
                new Send(List.copyOf(series), Chop.WHOLE));
        series.clear();
        seriesEcho.clear();
        for (int i = 0; i < 100; i++) {
            byte[] m = Wire.binary(300 + i * 10, i % 3); // three recurring streams: back-references across messages
            series.add(new Compressed(Wire.BINARY, m));
            seriesEcho.add(Event.binary(m));
        }
        add(p + "2.2", "100 compressed binaries of 300-1300 bytes, recurring" + tag, new Expect(List.copyOf(seriesEcho), Ending.clean()),
                new Send(List.copyOf(series), Chop.WHOLE));
        series.clear();
        seriesEcho.clear();
        for (int i = 0; i < 1000; i++) {
            byte[] m = small(i);
            series.add(new Compressed(i % 2 == 0 ? Wire.TEXT : Wire.BINARY, m));
            seriesEcho.add(ev(i % 2 == 0 ? Wire.TEXT : Wire.BINARY, m));
        }
        add(p + "2.3", "1000 small compressed messages, text and binary" + tag, new Expect(List.copyOf(seriesEcho), Ending.clean()),
                Duration.ofSeconds(10), new Send(List.copyOf(series), Chop.WHOLE));
        series.clear();
        seriesEcho.clear();
        for (int i = 0; i < 20; i++) {
            byte[] m = Wire.asciiText(500 + i);
            series.add(i % 2 == 0 ? new Compressed(Wire.TEXT, m) : text(m));
            seriesEcho.add(Event.text(m));
        }
        add(p + "2.4", "20 texts, compressed and uncompressed (RSV1 0) alternately" + tag,
                new Expect(List.copyOf(seriesEcho), Ending.clean()), new Send(List.copyOf(series), Chop.WHOLE));
        // 3: fragmentation of compressed messages.
        byte[] t64 = Wire.asciiText(65536);
        add(p + "3.1", "compressed text of 64 KiB in 2 frames" + tag, echo(Event.text(t64)),
                send(new Compressed(Wire.TEXT, t64, 2, null, 0)));
        byte[] t256 = Wire.binary(256, 3);
        add(p + "3.2", "compressed binary of 256 bytes, one frame per compressed byte" + tag, echo(Event.binary(t256)),
                send(new Compressed(Wire.BINARY, t256, Integer.MAX_VALUE, null, 0)));
        byte[] t2k = Wire.asciiText(2048);
        add(p + "3.3", "compressed text in 5 frames, a ping between each" + tag,
                echo(Event.pong(b("p")), Event.pong(b("p")), Event.pong(b("p")), Event.pong(b("p")), Event.text(t2k)),
                send(new Compressed(Wire.TEXT, t2k, 5, ping(b("p")), 0)));
        add(p + "3.4", "compressed text in 5 frames, a pong between each" + tag, echo(Event.text(t2k)),
                send(new Compressed(Wire.TEXT, t2k, 5, pong(b("p")), 0)));
        add(p + "3.5", "compressed text of 64 KiB in 2 frames, 1-byte writes" + tag, echo(Event.text(t64)),
                chopped(Chop.BYTES, new Compressed(Wire.TEXT, t64, 2, null, 0)));
        add(p + "3.6", "RSV1 on a continuation frame" + tag, fail(1002), FAST,
                send(new Compressed(Wire.TEXT, t2k, 2, null, 4)));
        byte[] b1m = Wire.binary(MIB, 9);
        add(p + "3.7", "compressed binary of 1 MiB in 16 frames" + tag, echo(Event.binary(b1m)),
                send(new Compressed(Wire.BINARY, b1m, 16, null, 0)));
        // 4: reserved bits.
        add(p + "4.1", "RSV1 on a ping" + tag, fail(1002), FAST, send(frame(true, 4, Wire.PING, b("x"))));
        add(p + "4.2", "RSV1 on a pong" + tag, fail(1002), FAST, send(frame(true, 4, Wire.PONG, b("x"))));
        add(p + "4.3", "RSV1 on a close" + tag, fail(1002), FAST, send(frame(true, 4, Wire.CLOSE, Wire.closePayload(1000))));
        add(p + "4.4", "RSV2 on a text" + tag, fail(1002), FAST, send(frame(true, 2, Wire.TEXT, b("x"))));
        add(p + "4.5", "RSV1 and RSV2 on a text" + tag, fail(1002), FAST, send(frame(true, 6, Wire.TEXT, b("x"))));
        add(p + "4.6", "RSV3 on a binary" + tag, fail(1002), FAST, send(frame(true, 1, Wire.BINARY, b("x"))));
        // 5: UTF-8 inside compressed text.
        byte[] allValid = Utf8Vectors.allValid();
        add(p + "5.1", "compressed text holding every valid UTF-8 vector" + tag, echo(Event.text(allValid)),
                send(new Compressed(Wire.TEXT, allValid)));
        add(p + "5.2", "compressed text with a surrogate" + tag, fail(1007), FAST,
                send(new Compressed(Wire.TEXT, Wire.hex(Utf8Vectors.KOSME + " ed a0 80 65 64 69 74 65 64"))));
        add(p + "5.3", "compressed text with an overlong '/'" + tag, fail(1007), FAST,
                send(new Compressed(Wire.TEXT, Wire.hex("41 c0 af 42"))));
        add(p + "5.4", "compressed text ending inside a character" + tag, fail(1007), FAST,
                send(new Compressed(Wire.TEXT, Wire.hex("41 42 ce"))));
        add(p + "5.5", "compressed text with every valid vector, one frame per compressed byte" + tag,
                echo(Event.text(allValid)), send(new Compressed(Wire.TEXT, allValid, Integer.MAX_VALUE, null, 0)));
        add(p + "5.6", "compressed text with U+110000 in a 64 KiB message" + tag, fail(1007), FAST,
                send(new Compressed(Wire.TEXT, Wire.concat(Wire.asciiText(40000), Wire.hex("f4 90 80 80"), Wire.asciiText(30000)))));
        // 6: close.
        add(p + "6.1", "compressed text, then close 1000" + tag, reply(new Integer[] {1000}, Event.text(t2k)),
                send(new Compressed(Wire.TEXT, t2k), close(1000)));
        add(p + "6.2", "compressed fragmented text, then close 3000 with a reason" + tag,
                reply(new Integer[] {3000}, Event.text(t2k)),
                send(new Compressed(Wire.TEXT, t2k, 3, null, 0), close(3000, b("done"))));
        add(p + "6.3", "compressed text started (not finished), then close 1000" + tag, reply(new Integer[] {1000}),
                send(frame(false, 4, Wire.TEXT, new byte[] {0x02, 0x00}), close(1000)));
        // 7: deflate edge cases.
        add(p + "7.1", "empty compressed message: RSV1, no payload" + tag, echo(Event.text(new byte[0])),
                send(frame(true, 4, Wire.TEXT, new byte[0])));
        add(p + "7.2", "empty compressed message: RSV1, one 0x00 byte (RFC 7692 §7.2.3.6)" + tag,
                echo(Event.binary(new byte[0])), send(frame(true, 4, Wire.BINARY, new byte[] {0x00})));
        add(p + "7.3", "compressed payload that is not deflate data" + tag, new Expect(List.of(), Ending.fail(1007, 1002)),
                FAST, send(frame(true, 4, Wire.BINARY, Wire.hex("ff ff ff ff ff ff"))));
        byte[] bomb = new byte[MAX_MESSAGE + 1];
        add(p + "7.4", "compressed binary inflating to 16 MiB + 1 byte (over the limit)" + tag, fail(1009),
                Duration.ofSeconds(10), send(new Compressed(Wire.BINARY, bomb)));
        byte[] at = new byte[MAX_MESSAGE];
        add(p + "7.5", "compressed binary inflating to exactly 16 MiB" + tag, echo(Event.binary(at)),
                Duration.ofSeconds(20), send(new Compressed(Wire.BINARY, at)));
        combo = 0;
    }
}
