package dev.duplex.protocol;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.frame.FrameReader;
import dev.duplex.protocol.frame.FrameWriter;
import dev.duplex.protocol.frame.Masking;
import dev.duplex.protocol.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * One endpoint of a WebSocket connection after the opening handshake, with no I/O: bytes go in
 * through {@link #receive}, events come out through a {@link ProtocolListener}, and everything to
 * send (the application's messages, pongs, close frames) comes out as frames through an
 * {@link Output}. Two connections wired back to back (one's output is the other's input) speak
 * the whole protocol without a socket.
 *
 * <p>It enforces RFC 6455 §5–7 for the role it plays: masking direction, RSV bits, opcodes,
 * control frame rules, fragmentation, UTF-8 (failing at the first invalid byte), size limits
 * (decided from declared lengths before anything is buffered) and the closing handshake. A peer
 * that breaks a rule gets a close frame with the code the RFC names and the connection is
 * closed; the caller's own misuse (sending after close, an invalid close code) throws
 * {@link IllegalStateException} or {@link IllegalArgumentException} instead.
 *
 * <p>Not thread-safe: one thread (a connection's event loop) drives it.
 */
public final class Connection {

    /** Where the closing handshake stands. */
    public enum State {
        /** Messages flow both ways. */
        OPEN,
        /** We sent a close frame and wait for the peer's; we send no more data. */
        CLOSE_SENT,
        /** Both close frames are exchanged, or the connection failed or ended. */
        CLOSED
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final Extension[] NO_EXTENSIONS = {};

    private final ProtocolConfig config;
    private final Extension[] extensions;
    private final ProtocolListener listener;
    private final Output output;
    /**
     * The frame parser and message assembly, made when the first byte arrives: a connection
     * that has said nothing since its handshake (most of an idle server's) has neither.
     */
    private FrameReader reader;
    private Inbound inbound;
    private final IntSupplier maskKeys;
    /** Scratch for the next frame header; made on first send, so a silent connection has none. */
    private ByteBuffer header;

    private State state = State.OPEN;
    private CloseStatus closeStatus;
    private boolean failed;
    /** The opcode of a message being sent in parts (TEXT or BINARY), or 0 when none is open. */
    private int openPartsOpcode;

    private Connection(Role role, ProtocolConfig config, List<Extension> extensions,
                       ProtocolListener listener, Output output) {
        this.config = config;
        this.extensions = extensions.isEmpty() ? NO_EXTENSIONS : extensions.toArray(new Extension[0]);
        int rsv = 0;
        for (Extension e : this.extensions) {
            if ((rsv & e.rsvBits()) != 0) {
                throw new IllegalArgumentException("extensions claim the same RSV bits: " + extensions);
            }
            rsv |= e.rsvBits();
        }
        this.listener = listener;
        this.output = output;
        // Only a client masks, so the mask key source also says which role this is: no field for it.
        this.maskKeys = role == Role.CLIENT
                ? java.util.Objects.requireNonNull(config.newMaskKeys(), "the config's mask key source gave null") : null;
    }

    /** The server end of a connection whose handshake agreed on {@code extensions}. */
    public static Connection server(ProtocolConfig config, List<Extension> extensions,
                                    ProtocolListener listener, Output output) {
        return new Connection(Role.SERVER, config, extensions, listener, output);
    }

    /** The client end of a connection whose handshake agreed on {@code extensions}. */
    public static Connection client(ProtocolConfig config, List<Extension> extensions,
                                    ProtocolListener listener, Output output) {
        return new Connection(Role.CLIENT, config, extensions, listener, output);
    }

    // ---------------------------------------------------------------- inbound

    /**
     * Takes bytes read from the peer, all of them. A message that lies whole in {@code in} is
     * unmasked in place and delivered as a view of it; {@code in}'s contents are undefined
     * afterwards. Never throws for the peer's mistakes: they close the connection.
     */
    public void receive(ByteBuffer in) {
        if (state == State.CLOSED) {
            in.position(in.limit());
            return;
        }
        if (reader == null) {
            inbound = new Inbound();
            reader = new FrameReader(role(), inbound);
        }
        try {
            reader.read(in);
        } catch (ProtocolViolation v) {
            fail(v);
        }
    }

    /** The peer ended the stream. Without a prior closing handshake this is a 1006 closure. */
    public void receiveEnd() {
        if (state != State.CLOSED) {
            closed(new CloseStatus(CloseStatus.ABNORMAL_CLOSURE, "connection ended without a close frame"), true);
        }
    }

    // ---------------------------------------------------------------- outbound

    /** Sends a text message. */
    public void sendText(String text) {
        sendMessage(Opcode.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends a text message given as UTF-8 bytes, which are checked.
     *
     * @throws IllegalArgumentException if the bytes are not valid UTF-8
     */
    public void sendText(ByteBuffer utf8) {
        requireUtf8(utf8);
        sendMessage(Opcode.TEXT, utf8);
    }

    /**
     * Sends a text message whose bytes the caller knows to be valid UTF-8 without checking them
     * again: text received and validated by a connection, relayed unchanged. Anything else must
     * go through {@link #sendText(ByteBuffer)}; invalid bytes sent this way make the peer fail
     * the connection (1007).
     */
    public void sendCheckedText(ByteBuffer utf8) {
        sendMessage(Opcode.TEXT, utf8);
    }

    /** Sends a binary message; the buffer is handed over to the {@link Output}. */
    public void sendBinary(ByteBuffer data) {
        sendMessage(Opcode.BINARY, data);
    }

    /**
     * Sends one fragment of a message: the first call starts a message of the given type, the
     * next ones continue it, and {@code last} ends it. Control frames may be sent in between;
     * other messages may not (they throw {@link IllegalStateException} until the last part).
     *
     * <p>Fragments are not transformed by extensions: a message sent in parts goes uncompressed
     * (RFC 7692 §6: a message whose first frame has RSV1 clear is not compressed), since its
     * parts leave before the message's end is known. Text fragments are not checked here; the
     * caller sends valid UTF-8 (the peer fails the connection with 1007 otherwise).
     *
     * @throws IllegalStateException if the connection is not open, or {@code text} is not the
     *                               type of the message whose parts are being sent
     */
    public void sendFragment(boolean text, ByteBuffer part, boolean last) {
        requireOpen();
        int type = text ? Opcode.TEXT : Opcode.BINARY;
        int opcode;
        if (openPartsOpcode == 0) {
            opcode = type;
        } else if (openPartsOpcode == type) {
            opcode = Opcode.CONTINUATION;
        } else {
            throw new IllegalStateException("a " + Opcode.name(type) + " part cannot continue the "
                    + describeOpenParts() + "; finish that message with last=true first");
        }
        openPartsOpcode = last ? 0 : type;
        emit(last, 0, opcode, part);
    }

    /** Whether a message is being sent in parts: its first part is sent and its last is not. */
    public boolean isSendingParts() {
        return openPartsOpcode != 0;
    }

    private String describeOpenParts() {
        return Opcode.name(openPartsOpcode) + " message being sent in parts (fragmented)";
    }

    /**
     * Sends a ping.
     *
     * @throws IllegalArgumentException if the payload is over 125 bytes
     */
    public void sendPing(ByteBuffer payload) {
        sendControl(Opcode.PING, payload);
    }

    /** Sends an unsolicited pong (a one-way heartbeat). */
    public void sendPong(ByteBuffer payload) {
        sendControl(Opcode.PONG, payload);
    }

    /**
     * Starts the closing handshake; once the peer answers, the connection is closed. Does nothing
     * if a close frame was already sent.
     *
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    public void close(int code, String reason) {
        CloseStatus status = CloseStatus.of(code, reason);
        if (state != State.OPEN) {
            return;
        }
        sendClose(status);
        state = State.CLOSE_SENT;
        closeStatus = status;
    }

    /**
     * Checks that a data frame may be sent now, for a caller that writes a frame it prepared
     * itself (a broadcast frame encoded once for many connections): the server role, the
     * connection open, no fragmented message half sent.
     *
     * @throws IllegalStateException if not
     */
    public void requireCanSendPreparedFrame() {
        if (maskKeys != null) {
            throw new IllegalStateException("prepared frames are unmasked: only a server may send them");
        }
        requireOpen();
        if (openPartsOpcode != 0) {
            throw new IllegalStateException("cannot start another message: a " + describeOpenParts()
                    + " is not finished; send its last part (last=true) first");
        }
    }

    // ---------------------------------------------------------------- state

    /** Where the closing handshake stands. */
    public State state() {
        return state;
    }

    /** The final status once {@link State#CLOSED}, else the one we sent, else null. */
    public CloseStatus closeStatus() {
        return closeStatus;
    }

    /** Whether the connection closed because the peer broke a rule. */
    public boolean isFailed() {
        return failed;
    }

    /**
     * Whether this endpoint should close the TCP connection now (after flushing what it sent):
     * the server does once the connection is closed, and so does either end after a failure.
     * After a clean close the client waits for the server to close TCP (RFC 6455 §7.1.1), with
     * a timeout that belongs to the transport.
     */
    public boolean shouldCloseTransport() {
        return state == State.CLOSED && (maskKeys == null || failed || closeStatus.code() == CloseStatus.ABNORMAL_CLOSURE);
    }

    /** The role this endpoint plays. */
    public Role role() {
        return maskKeys != null ? Role.CLIENT : Role.SERVER;
    }

    /** Whether the handshake agreed on any extension. */
    public boolean hasExtensions() {
        return extensions.length > 0;
    }

    /** The RSV bits the extensions own; computed when a frame has any set, which is rare. */
    private int extensionRsv() {
        int rsv = 0;
        for (Extension e : extensions) {
            rsv |= e.rsvBits();
        }
        return rsv;
    }

    /** The extensions agreed in the handshake. */
    public List<Extension> extensions() {
        return List.of(extensions);
    }

    /** Whether no frame or message is half-read: a transport may drop its read buffer. */
    public boolean isIdle() {
        return reader == null || (reader.isBetweenFrames() && !inbound.inMessage);
    }

    // ---------------------------------------------------------------- internals

    private void sendMessage(int opcode, ByteBuffer payload) {
        requireOpen();
        if (openPartsOpcode != 0) {
            throw new IllegalStateException("cannot start another message: a " + describeOpenParts()
                    + " is not finished; send its last part (last=true) first");
        }
        int rsv = 0;
        for (Extension e : extensions) {
            Extension.Encoded encoded = e.encode(payload, opcode == Opcode.TEXT);
            payload = encoded.payload();
            rsv |= encoded.rsv();
        }
        emit(true, rsv, opcode, payload);
    }

    private void sendControl(int opcode, ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException(Opcode.name(opcode) + " payload is " + payload.remaining()
                    + " bytes; control frames carry at most 125");
        }
        if (state != State.OPEN) {
            throw new IllegalStateException("cannot send a " + Opcode.name(opcode) + ": the connection is " + describeState());
        }
        emit(true, 0, opcode, payload);
    }

    private void sendClose(CloseStatus status) {
        ByteBuffer payload;
        if (status.code() == CloseStatus.NO_STATUS_RECEIVED) {
            payload = EMPTY; // answering a close that had no code: ours has none either
        } else {
            byte[] reason = status.reason().getBytes(StandardCharsets.UTF_8);
            payload = ByteBuffer.allocate(2 + reason.length);
            payload.putShort((short) status.code()).put(reason).flip();
        }
        emit(true, 0, Opcode.CLOSE, payload);
    }

    private void emit(boolean fin, int rsv, int opcode, ByteBuffer payload) {
        int n = payload.remaining();
        if (header == null) {
            header = ByteBuffer.allocate(FrameReader.MAX_HEADER_BYTES);
        }
        header.clear();
        if (maskKeys != null) {
            int key = maskKeys.getAsInt();
            FrameWriter.writeHeader(header, fin, rsv, opcode, n, true, key);
            ByteBuffer masked = config.maskedPayloadAllocator().apply(n);
            Masking.maskCopy(payload, masked, key, 0);
            masked.flip();
            output.frame(header.flip(), masked);
        } else {
            FrameWriter.writeHeader(header, fin, rsv, opcode, n, false, 0);
            output.frame(header.flip(), payload);
        }
    }

    private void requireOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("cannot send data: the connection is " + describeState());
        }
    }

    private String describeState() {
        return state == State.CLOSE_SENT ? "closing (a close frame was sent)" : "closed (" + closeStatus + ")";
    }

    private static void requireUtf8(ByteBuffer utf8) {
        Utf8Validator v = new Utf8Validator();
        if (!v.feed(utf8) || !v.isComplete()) {
            throw new IllegalArgumentException("text payload is not valid UTF-8");
        }
    }

    /** Fails the connection (RFC 6455 §7.1.7): one close frame with the violation's code, then done. */
    private void fail(ProtocolViolation v) {
        if (state == State.CLOSED) {
            return;
        }
        CloseStatus status = v.status();
        if (state == State.OPEN) {
            sendClose(status);
        }
        failed = true;
        closed(status, false);
    }

    private void closed(CloseStatus status, boolean byPeer) {
        state = State.CLOSED;
        closeStatus = status;
        if (inbound != null) {
            inbound.reset();
        }
        for (Extension e : extensions) {
            e.close();
        }
        listener.onClosed(status, byPeer);
    }

    private void onCloseFrame(ByteBuffer payload) throws ProtocolViolation {
        CloseStatus peer = parseClose(payload);
        if (state == State.OPEN) {
            sendClose(peer.code() == CloseStatus.NO_STATUS_RECEIVED ? peer : new CloseStatus(peer.code(), ""));
            closed(peer, true);
        } else {
            closed(peer, false);
        }
    }

    private static CloseStatus parseClose(ByteBuffer p) throws ProtocolViolation {
        int n = p.remaining();
        if (n == 0) {
            return new CloseStatus(CloseStatus.NO_STATUS_RECEIVED, "");
        }
        if (n == 1) {
            throw ProtocolViolation.protocolError("close frame payload of 1 byte: a code needs 2");
        }
        int code = ((p.get(p.position()) & 0xFF) << 8) | (p.get(p.position() + 1) & 0xFF);
        if (!CloseStatus.isSendable(code)) {
            throw ProtocolViolation.protocolError("close code " + code + " may not be sent");
        }
        byte[] reason = new byte[n - 2];
        p.position(p.position() + 2).get(reason);
        if (!Utf8Validator.isValid(reason)) {
            throw ProtocolViolation.invalidPayload("close reason is not valid UTF-8");
        }
        return new CloseStatus(code, new String(reason, StandardCharsets.UTF_8));
    }

    /** The frame handler: message assembly, control frames, limits. */
    private final class Inbound implements FrameReader.Handler, Extension.DecodedSink {
        private final Utf8Validator utf8 = new Utf8Validator();
        /** A control frame's payload, which may arrive in pieces; held only while one is being read. */
        private byte[] control;
        private int controlLength;

        private int opcode;
        private boolean fin;
        private long frameLength;
        private long frameRead;

        private boolean inMessage;
        private boolean text;
        /** Whether the current message is delivered in parts rather than whole. */
        private boolean parts;
        /** The current message's size limit: whole or streamed. */
        private long messageLimit;
        private Extension decoder;
        private long messageSize;
        /**
         * The start of a code point that a text part ended inside, held back until the next
         * bytes complete it (at most 3 bytes); made for the first such split.
         */
        private ByteBuffer heldUtf8;
        private int held;
        private boolean messageDelivered;
        private byte[] accumulator;
        private int accumulated;

        @Override
        public void onFrameStart(boolean fin, int rsv, int opcode, long length) throws ProtocolViolation {
            if (state == State.CLOSED) {
                return;
            }
            this.opcode = opcode;
            this.fin = fin;
            this.frameLength = length;
            this.frameRead = 0;
            if (Opcode.isControl(opcode)) {
                if (rsv != 0) {
                    throw ProtocolViolation.protocolError("RSV bits set on a " + Opcode.name(opcode) + " frame");
                }
                controlLength = 0;
                control = length == 0 ? null : new byte[(int) length];
                return;
            }
            if (opcode == Opcode.CONTINUATION) {
                if (!inMessage) {
                    throw ProtocolViolation.protocolError("continuation frame with no message to continue");
                }
                if (rsv != 0) {
                    throw ProtocolViolation.protocolError("RSV bits set on a continuation frame");
                }
            } else {
                if (inMessage) {
                    throw ProtocolViolation.protocolError("new " + Opcode.name(opcode)
                            + " message started inside an unfinished fragmented message");
                }
                startMessage(rsv, opcode == Opcode.TEXT);
            }
            long frameLimit = config.frameLimit(parts);
            if (length > frameLimit) {
                throw ProtocolViolation.tooBig("frame of " + length + " bytes is over the limit of " + frameLimit);
            }
            if (decoder == null && messageSize + length > messageLimit) {
                throw ProtocolViolation.tooBig("message of " + (messageSize + length)
                        + "+ bytes is over the limit of " + messageLimit);
            }
        }

        private void startMessage(int rsv, boolean isText) throws ProtocolViolation {
            if (rsv != 0 && (rsv & ~extensionRsv()) != 0) {
                throw ProtocolViolation.protocolError("RSV bits set that no negotiated extension owns");
            }
            decoder = null;
            if (rsv != 0) {
                for (Extension e : extensions) {
                    if (e.decodes(rsv)) {
                        decoder = e;
                        break;
                    }
                }
                if (decoder == null) {
                    throw ProtocolViolation.protocolError("RSV bits set in a combination no extension accepts");
                }
            }
            inMessage = true;
            text = isText;
            parts = isText ? config.deliverTextParts() : config.deliverBinaryParts();
            messageLimit = config.messageLimit(parts);
            messageSize = 0;
            held = 0;
            messageDelivered = false;
            accumulated = 0;
            utf8.reset();
        }

        @Override
        public void onFramePayload(ByteBuffer payload) throws ProtocolViolation {
            if (state == State.CLOSED) {
                return;
            }
            int n = payload.remaining();
            frameRead += n;
            if (Opcode.isControl(opcode)) {
                payload.get(control, controlLength, n);
                controlLength += n;
            } else if (decoder != null) {
                decoder.decode(payload, false, this);
            } else {
                data(payload, fin && frameRead == frameLength, false);
            }
        }

        /**
         * Payload that will be copied into the accumulator is copied still masked and unmasked
         * there: a bulk copy plus the vectorized heap-array loop is much cheaper than unmasking
         * the direct read buffer first (on JDK 17 that loop is not vectorized). Everything else
         * (control frames, compressed frames, parts, a message whole in this buffer) is read
         * where it lies, so it is unmasked in place.
         */
        @Override
        public void onMaskedPayload(ByteBuffer payload, int maskKey, long maskOffset) throws ProtocolViolation {
            if (state == State.CLOSED) {
                return;
            }
            int n = payload.remaining();
            boolean endsMessage = fin && frameRead + n == frameLength;
            if (Opcode.isControl(opcode) || decoder != null || parts
                    || (endsMessage && accumulated == 0)) {
                if (text && decoder == null && !Opcode.isControl(opcode)) {
                    // Unmasked and found to be ASCII in one pass: no UTF-8 walk after it.
                    boolean ascii = Masking.maskInPlaceIsAscii(payload, maskKey, maskOffset);
                    frameRead += n;
                    data(payload, endsMessage, ascii);
                    return;
                }
                Masking.maskInPlace(payload, maskKey, maskOffset);
                onFramePayload(payload);
                return;
            }
            frameRead += n;
            messageSize += n;
            int from = accumulated;
            append(payload);
            Masking.maskArray(accumulator, from, accumulated, maskKey, maskOffset);
            if (text) {
                checkUtf8(utf8.feed(accumulator, from, accumulated), endsMessage);
            }
        }

        @Override
        public void accept(ByteBuffer decoded) throws ProtocolViolation {
            if (messageSize + decoded.remaining() > messageLimit) {
                throw ProtocolViolation.tooBig("message grows past the limit of " + messageLimit
                        + " bytes once decoded");
            }
            data(decoded, false, false);
        }

        /**
         * Takes the next bytes of the current message (after any decoding); {@code ascii} says
         * they are already known to be ASCII, which after a complete code point needs no check.
         */
        private void data(ByteBuffer bytes, boolean endsMessage, boolean ascii) throws ProtocolViolation {
            int n = bytes.remaining();
            messageSize += n;
            if (text && !(ascii && utf8.isComplete())) {
                checkUtf8(utf8.feed(bytes), endsMessage);
            }
            if (parts) {
                if (text) {
                    textPart(bytes, endsMessage);
                } else if (n > 0 || endsMessage) {
                    deliverPart(bytes, endsMessage);
                }
                return;
            }
            if (endsMessage && accumulated == 0) {
                // The whole message is in the read buffer: deliver it where it lies, no copy.
                deliver(bytes);
                return;
            }
            append(bytes);
        }

        /**
         * Delivers validated text so that every part is whole code points, which a listener can
         * decode on its own: a code point split between reads or frames is held back and
         * delivered, once complete, as a part of its own (at most 4 bytes) before the bytes that
         * follow it. Holding it costs a 4-byte buffer; copying it into the next part would cost
         * a copy of that whole part.
         */
        private void textPart(ByteBuffer bytes, boolean endsMessage) {
            if (held > 0) {
                int need = sequenceLength(heldUtf8.get(0)) - held;
                int take = Math.min(need, bytes.remaining());
                for (int i = 0; i < take; i++) {
                    heldUtf8.put(held++, bytes.get());
                }
                if (take < need) {
                    return; // still incomplete (the validator knows it is not the message's end)
                }
                boolean last = endsMessage && !bytes.hasRemaining();
                heldUtf8.position(0).limit(held);
                held = 0;
                deliverPart(heldUtf8, last);
                heldUtf8.clear();
                if (!bytes.hasRemaining()) {
                    return;
                }
            }
            if (!utf8.isComplete()) {
                // The bytes end inside a code point that starts in them: its lead byte is one of
                // the last three (they are valid UTF-8 so far).
                int end = bytes.limit();
                int lead = end - 1;
                while ((bytes.get(lead) & 0xC0) == 0x80) {
                    lead--;
                }
                if (heldUtf8 == null) {
                    heldUtf8 = ByteBuffer.allocate(4);
                }
                held = end - lead;
                for (int i = 0; i < held; i++) {
                    heldUtf8.put(i, bytes.get(lead + i));
                }
                bytes.limit(lead);
            }
            if (bytes.hasRemaining() || endsMessage) {
                deliverPart(bytes, endsMessage);
            }
        }

        /** The length of the UTF-8 sequence that {@code lead}, a valid lead byte, starts. */
        private int sequenceLength(byte lead) {
            int b = lead & 0xFF;
            return b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        }

        /** Fails on the first invalid byte, or on a message that ends inside a code point. */
        private void checkUtf8(boolean valid, boolean endsMessage) throws ProtocolViolation {
            if (!valid) {
                throw ProtocolViolation.invalidPayload("text message is not valid UTF-8");
            }
            if (endsMessage && !utf8.isComplete()) {
                throw ProtocolViolation.invalidPayload("text message ends inside a UTF-8 sequence");
            }
        }

        /** Copies {@code bytes} to the end of the accumulator, growing it as needed. */
        private void append(ByteBuffer bytes) {
            int n = bytes.remaining();
            long needed = (long) accumulated + n;
            if (accumulator == null || accumulator.length < needed) {
                // Room for the rest of this frame at once (its declared size passed the limit
                // check), and at least double what we had, capped at the limit: a message in
                // many small fragments must not be copied again for every one of them.
                long rest = decoder == null ? frameLength - frameRead : 0;
                long doubled = accumulator == null ? 256 : 2L * accumulator.length;
                long want = Math.max(needed + rest, Math.min(config.maxMessageSize(), doubled));
                byte[] grown = new byte[(int) Math.min(want, Integer.MAX_VALUE - 8)];
                if (accumulator != null) {
                    System.arraycopy(accumulator, 0, grown, 0, accumulated);
                }
                accumulator = grown;
            }
            bytes.get(accumulator, accumulated, n);
            accumulated += n;
        }

        @Override
        public void onFrameEnd() throws ProtocolViolation {
            if (state == State.CLOSED) {
                return;
            }
            if (Opcode.isControl(opcode)) {
                controlFrame();
                return;
            }
            if (!fin) {
                return;
            }
            if (decoder != null) {
                decoder.decode(EMPTY.duplicate(), true, this);
            }
            if (!messageDelivered) {
                if (text && !utf8.isComplete()) {
                    throw ProtocolViolation.invalidPayload("text message ends inside a UTF-8 sequence");
                }
                if (parts) {
                    deliverPart(EMPTY.duplicate(), true);
                } else {
                    deliver(ByteBuffer.wrap(accumulator == null ? new byte[0] : accumulator, 0, accumulated));
                }
            }
            reset();
        }

        private void deliver(ByteBuffer message) {
            messageDelivered = true;
            inMessage = false;
            if (text) {
                listener.onText(message);
            } else {
                listener.onBinary(message);
            }
        }

        private void deliverPart(ByteBuffer part, boolean last) {
            if (last) {
                messageDelivered = true;
                inMessage = false;
            }
            if (text) {
                listener.onTextPart(part, last);
            } else {
                listener.onBinaryPart(part, last);
            }
        }

        private void controlFrame() throws ProtocolViolation {
            byte[] bytes = control == null ? new byte[0] : control;
            control = null; // an idle connection keeps no control buffer
            ByteBuffer payload = ByteBuffer.wrap(bytes, 0, controlLength);
            switch (opcode) {
                case Opcode.PING:
                    if (config.autoPong() && state == State.OPEN) {
                        emit(true, 0, Opcode.PONG, ByteBuffer.wrap(bytes.clone(), 0, controlLength));
                    }
                    listener.onPing(payload);
                    break;
                case Opcode.PONG:
                    listener.onPong(payload);
                    break;
                default:
                    onCloseFrame(payload);
                    break;
            }
        }

        /** Forgets the current message; a large accumulator is not kept by an idle connection. */
        void reset() {
            inMessage = false;
            decoder = null;
            accumulated = 0;
            accumulator = null;
            messageSize = 0;
            held = 0;
        }
    }
}
