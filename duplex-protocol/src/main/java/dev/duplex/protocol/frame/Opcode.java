package dev.duplex.protocol.frame;

/** Frame opcodes (RFC 6455 §5.2) as plain ints, so the hot path needs no lookups. */
public final class Opcode {
    /** 0x0: continues a fragmented message. */
    public static final int CONTINUATION = 0x0;
    /** 0x1: first frame of a text message. */
    public static final int TEXT = 0x1;
    /** 0x2: first frame of a binary message. */
    public static final int BINARY = 0x2;
    /** 0x8: close. */
    public static final int CLOSE = 0x8;
    /** 0x9: ping. */
    public static final int PING = 0x9;
    /** 0xA: pong. */
    public static final int PONG = 0xA;

    private Opcode() {}

    /** Whether {@code opcode} is a control opcode (its high bit is set). */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** Whether {@code opcode} is one RFC 6455 defines; 0x3–0x7 and 0xB–0xF are reserved. */
    public static boolean isDefined(int opcode) {
        return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
    }

    /** A readable name for messages and logs. */
    public static String name(int opcode) {
        switch (opcode) {
            case CONTINUATION: return "continuation";
            case TEXT: return "text";
            case BINARY: return "binary";
            case CLOSE: return "close";
            case PING: return "ping";
            case PONG: return "pong";
            default: return "reserved opcode 0x" + Integer.toHexString(opcode);
        }
    }
}
