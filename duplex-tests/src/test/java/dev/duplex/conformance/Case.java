package dev.duplex.conformance;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One numbered conformance case, as data: what the harness sends (frames, how the writes are
 * chopped, pauses) and what it expects back (echoed messages and pongs, in order, then how the
 * connection ends), within a time bound counted from the first byte sent.
 *
 * @param combo the permessage-deflate combination the case runs under (0: none; see
 *              {@link Catalogue#COMBOS})
 */
record Case(String id, String title, List<Step> steps, Expect expect, Duration bound, int combo) {

    /** The catalogue group: the first number of the id. */
    String group() {
        return id.substring(0, id.indexOf('.'));
    }

    String displayName() {
        return id + " " + title;
    }

    // ------------------------------------------------------------------ what is sent

    sealed interface Step permits Send, Pause {}

    /** Parts encoded one after another and written as {@code chop} says. */
    record Send(List<Part> parts, Chop chop) implements Step {}

    /** Wait before the next step (to see that the peer acts before it gets more). */
    record Pause(long millis) implements Step {}

    sealed interface Part permits Frame, Truncated, Compressed, Stream, Raw {}

    /** Bytes written as they are (a header no payload could follow, say). */
    record Raw(byte[] bytes) implements Part {}

    /**
     * A frame exactly as given. {@code mask}: null masks as the harness's role requires (client
     * frames masked, server frames not); TRUE or FALSE forces it (to break the rule on purpose).
     */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload, Boolean mask) implements Part {
        Frame(boolean fin, int rsv, int opcode, byte[] payload) {
            this(fin, rsv, opcode, payload, null);
        }

        @Override
        public String toString() {
            return Wire.opcodeName(opcode) + (fin ? "" : "(fin=0)") + (rsv != 0 ? "(rsv=" + rsv + ")" : "")
                    + "[" + payload.length + "]";
        }
    }

    /** Only the header and the first {@code payloadBytes} bytes of {@code frame}'s payload. */
    record Truncated(Frame frame, int payloadBytes) implements Part {}

    /**
     * A message compressed by the harness with the connection's deflate context and split into
     * {@code pieces} frames (RSV1 on the first only), with {@code between} (may be null) after
     * every piece but the last; {@code continuationRsv} is set on continuation frames (0 is right).
     */
    record Compressed(int opcode, byte[] payload, int pieces, Frame between, int continuationRsv) implements Part {
        Compressed(int opcode, byte[] payload) {
            this(opcode, payload, 1, null, 0);
        }
    }

    /** {@code count} frames made on the fly (a long stream of small messages). */
    record Stream(int count, IntFunction<Frame> frame) implements Part {}

    /**
     * How the bytes of one step are written: {@code size}-byte writes for the first {@code upTo}
     * bytes, then {@code rest}-byte writes.
     */
    record Chop(int size, int upTo, int rest) {
        static final Chop WHOLE = new Chop(Integer.MAX_VALUE, 0, 1 << 16);
        /** 1-byte writes, for the first 65,600 bytes (every header and any payload up to 64 KiB), then 997-byte writes. */
        static final Chop BYTES = new Chop(1, 65_600, 997);

        static Chop of(int size) {
            return new Chop(size, Integer.MAX_VALUE, size);
        }

        String describe() {
            if (this.equals(WHOLE)) {
                return "whole";
            }
            if (this.equals(BYTES)) {
                return "1-byte writes";
            }
            return size + "-byte writes";
        }
    }

    // ------------------------------------------------------------------ what is expected

    /** Marks a close frame without payload in {@link Ending#codes()}. */
    static final int NO_CODE = -1;

    /**
     * @param events what the peer must send, in order, before the close (messages echoed, pongs)
     * @param ending how it must end
     */
    record Expect(List<Event> events, Ending ending) {}

    /** A message (TEXT or BINARY, after reassembly and decompression) or a PONG. */
    record Event(int opcode, byte[] payload) {
        static Event text(byte[] p) {
            return new Event(Wire.TEXT, p);
        }

        static Event binary(byte[] p) {
            return new Event(Wire.BINARY, p);
        }

        static Event pong(byte[] p) {
            return new Event(Wire.PONG, p);
        }

        boolean matches(int op, byte[] p) {
            return op == opcode && Arrays.equals(p, payload);
        }

        @Override
        public String toString() {
            return Wire.opcodeName(opcode) + "[" + payload.length + ": " + Wire.hexOf(payload, 16) + "]";
        }
    }

    /**
     * {@code fail}: the peer must fail the connection, sending a close frame with one of
     * {@code codes} before anything else, then close TCP. Otherwise a clean close: after the
     * events the harness closes with 1000 (unless a step already sent a close) and the peer's
     * close frame must carry one of {@code codes}.
     */
    record Ending(boolean fail, Set<Integer> codes) {
        static Ending clean() {
            return new Ending(false, Set.of(1000));
        }

        static Ending closeReply(Integer... codes) {
            return new Ending(false, Set.of(codes));
        }

        static Ending fail(Integer... codes) {
            return new Ending(true, Set.of(codes));
        }

        String describe() {
            return (fail ? "fail with close " : "clean close with ") + codes;
        }
    }
}
