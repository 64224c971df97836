package dev.duplex.protocol.frame;

import dev.duplex.protocol.ProtocolViolation;
import dev.duplex.protocol.Role;
import java.nio.ByteBuffer;

/**
 * Turns bytes into frames, incrementally: input may be split anywhere, one byte at a time
 * included. Checks the wire-format rules of RFC 6455 §5.2 that need no connection state (masking
 * direction, reserved opcodes, control frame size and fragmentation, the 64-bit length's high
 * bit); rules about RSV bits, fragmentation sequence and sizes belong to the {@link Handler}.
 *
 * <p>Payload is handed on as views of the caller's buffer, so the reader copies nothing and keeps
 * no buffer of its own except 14 bytes for a header split across reads. Between frames it holds
 * no payload at all. Masked payload goes through {@link Handler#onMaskedPayload}, which unmasks it
 * in place unless the handler chooses to copy it first (see there). After a violation the reader
 * stays failed and ignores further input.
 */
public final class FrameReader {

    /** The largest header: 2 bytes, 8 of extended length, 4 of mask key. */
    public static final int MAX_HEADER_BYTES = 14;

    /** Receives frames as they are parsed. */
    public interface Handler {
        /**
         * A frame header has been read.
         *
         * @param fin    whether this frame ends its message
         * @param rsv    the RSV bits as they sit in the first byte (mask {@code 0x70})
         * @param opcode the opcode, one RFC 6455 defines
         * @param length the declared payload length
         * @throws ProtocolViolation to reject the frame before any payload is read
         */
        void onFrameStart(boolean fin, int rsv, int opcode, long length) throws ProtocolViolation;

        /**
         * The next piece of the current frame's payload, unmasked. The buffer is a view of the
         * input that is valid only during the call; its position and limit may be changed.
         */
        void onFramePayload(ByteBuffer payload) throws ProtocolViolation;

        /**
         * The next piece of a masked frame's payload, still masked; by default unmasked in place
         * and passed to {@link #onFramePayload}. A handler that copies the payload anyway may
         * override this to copy it masked and unmask the copy instead: masking a direct buffer
         * (what the event loops read into) is several times slower on JDK 17 than masking a heap
         * array, whose loop the JIT vectorizes. Whatever the override does, the piece counts as
         * read; the buffer is valid only during the call and its position and limit may change.
         *
         * @param maskKey    the frame's masking key, most significant byte first as on the wire
         * @param maskOffset how many bytes of this frame's payload came before this piece, which
         *                   decides the key byte its first byte is masked with
         */
        default void onMaskedPayload(ByteBuffer payload, int maskKey, long maskOffset) throws ProtocolViolation {
            Masking.maskInPlace(payload, maskKey, maskOffset);
            onFramePayload(payload);
        }

        /** The current frame's payload is complete (called for empty payloads too). */
        void onFrameEnd() throws ProtocolViolation;
    }

    private final boolean expectMasked;
    private final Handler handler;

    /** Spill for a header split across reads; made the first time one is. */
    private byte[] header;
    private int headerHave;
    private boolean inPayload;
    private long payloadRemaining;
    private long payloadOffset;
    private boolean masked;
    private int maskKey;
    private boolean failed;

    /**
     * @param role    the role of the endpoint that reads: a server expects masked frames, a
     *                client unmasked ones
     * @param handler receives the frames
     */
    public FrameReader(Role role, Handler handler) {
        this.expectMasked = role == Role.SERVER;
        this.handler = handler;
    }

    /**
     * Consumes all of {@code in}'s remaining bytes, calling the handler for every frame part they
     * complete. Masked payload may be left masked or unmasked in {@code in}, as the handler
     * decides.
     *
     * @throws ProtocolViolation on the first broken rule; the reader then stays failed
     */
    public void read(ByteBuffer in) throws ProtocolViolation {
        if (failed) {
            in.position(in.limit());
            return;
        }
        try {
            while (in.hasRemaining()) {
                if (inPayload) {
                    readPayload(in);
                } else {
                    readHeader(in);
                }
            }
        } catch (ProtocolViolation | RuntimeException e) {
            failed = true;
            in.position(in.limit());
            throw e;
        }
    }

    /** Whether the reader stands between frames, holding no partial header. */
    public boolean isBetweenFrames() {
        return !inPayload && headerHave == 0;
    }

    /** Whether a violation has stopped the reader. */
    public boolean isFailed() {
        return failed;
    }

    private void readHeader(ByteBuffer in) throws ProtocolViolation {
        int pos = in.position();
        if (headerHave == 0 && in.remaining() >= 2) {
            int needed = headerLength(in.get(pos), in.get(pos + 1));
            if (in.remaining() >= needed) {
                // The common case: the whole header is in the buffer; parse it where it lies.
                in.position(pos + needed);
                startFrame(in, pos);
                return;
            }
        }
        // A header split across reads: gather it into the 14-byte spill array.
        if (header == null) {
            header = new byte[MAX_HEADER_BYTES];
        }
        int needed = headerHave >= 2 ? headerLength(header[0], header[1]) : 2;
        while (headerHave < needed && in.hasRemaining()) {
            header[headerHave++] = in.get();
            if (headerHave == 2) {
                needed = headerLength(header[0], header[1]);
            }
        }
        if (headerHave == needed) {
            headerHave = 0;
            startFrame(ByteBuffer.wrap(header), 0);
        }
    }

    private static int headerLength(byte b0, byte b1) {
        int len7 = b1 & 0x7F;
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        return 2 + extended + ((b1 & 0x80) != 0 ? 4 : 0);
    }

    /** Parses a complete header at {@code at} in {@code h} (absolute reads; position untouched). */
    private void startFrame(ByteBuffer h, int at) throws ProtocolViolation {
        int b0 = h.get(at) & 0xFF;
        int b1 = h.get(at + 1) & 0xFF;
        boolean fin = (b0 & 0x80) != 0;
        int rsv = b0 & 0x70;
        int opcode = b0 & 0x0F;
        masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int p = at + 2;
        long length;
        if (len7 == 126) {
            length = bigEndian(h, p, 2);
            p += 2;
        } else if (len7 == 127) {
            length = bigEndian(h, p, 8);
            p += 8;
            if (length < 0) {
                throw ProtocolViolation.protocolError("64-bit payload length has its most significant bit set");
            }
        } else {
            length = len7;
        }
        if (masked != expectMasked) {
            throw ProtocolViolation.protocolError(expectMasked
                    ? "client frames must be masked" : "server frames must not be masked");
        }
        if (!Opcode.isDefined(opcode)) {
            throw ProtocolViolation.protocolError(Opcode.name(opcode) + " is not defined");
        }
        if (Opcode.isControl(opcode)) {
            if (!fin) {
                throw ProtocolViolation.protocolError("control frames must not be fragmented");
            }
            if (length > 125) {
                throw ProtocolViolation.protocolError("control frame payload is " + length + " bytes; at most 125 allowed");
            }
        }
        maskKey = masked ? (int) bigEndian(h, p, 4) : 0;
        payloadRemaining = length;
        payloadOffset = 0;
        handler.onFrameStart(fin, rsv, opcode, length);
        if (length == 0) {
            handler.onFrameEnd();
        } else {
            inPayload = true;
        }
    }

    /** Reads {@code n} bytes as an unsigned big-endian number, whatever the buffer's byte order. */
    private static long bigEndian(ByteBuffer h, int at, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (h.get(at + i) & 0xFF);
        }
        return v;
    }

    private void readPayload(ByteBuffer in) throws ProtocolViolation {
        int pos = in.position();
        int limit = in.limit();
        int n = (int) Math.min(payloadRemaining, limit - pos);
        int end = pos + n;
        in.limit(end);
        long offset = payloadOffset;
        payloadOffset += n;
        payloadRemaining -= n;
        try {
            if (masked) {
                handler.onMaskedPayload(in, maskKey, offset);
            } else {
                handler.onFramePayload(in);
            }
        } finally {
            in.limit(limit);
            in.position(end);
        }
        if (payloadRemaining == 0) {
            inPayload = false;
            handler.onFrameEnd();
        }
    }
}
