package dev.duplex.protocol.deflate;

import dev.duplex.protocol.ProtocolViolation;
import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionOffer;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate for one connection (RFC 7692): inflates messages whose first frame carries
 * RSV1, deflates outgoing messages above a size threshold, and keeps or resets each direction's
 * LZ77 window as negotiated.
 *
 * <p>Inflating writes into a small scratch buffer and hands each piece to the sink before going
 * on, so a compression bomb meets the message size limit after at most one scratch buffer of
 * output: the full inflated message is never allocated. zlib state is allocated on first use
 * and, without context takeover, released after every message, so an idle connection holds none.
 */
final class DeflateExtension implements Extension {
    /** The empty stored block that SYNC_FLUSH ends with; stripped on send, restored on receive. */
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    private static final int SCRATCH_BYTES = 16 * 1024;
    /** Inflate output goes through here; one per thread, as a decode call never nests. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private final ExtensionOffer agreed;
    private final boolean resetOutbound;
    private final boolean resetInbound;
    private final int level;
    private final int threshold;
    private final Runnable onClose;
    private final ThreadLocal<Deflater> sharedDeflaters;

    private Deflater deflater;
    private Inflater inflater;
    private long compressedBytes;
    private boolean closed;

    /**
     * Inflaters for messages whose window is not kept, reused per thread: a connection holds
     * one only while a message is arriving (its frames may interleave with other connections'
     * on the same thread, so one per thread would not do).
     */
    private static final ThreadLocal<java.util.ArrayDeque<Inflater>> SPARE_INFLATERS =
            ThreadLocal.withInitial(java.util.ArrayDeque::new);
    private static final int MAX_SPARE_INFLATERS = 16;
    private static final byte[] NO_INPUT = new byte[0];

    private static Inflater borrowInflater() {
        Inflater i = SPARE_INFLATERS.get().pollFirst();
        return i != null ? i : new Inflater(true);
    }

    private static void returnInflater(Inflater i) {
        i.reset();
        java.util.ArrayDeque<Inflater> spare = SPARE_INFLATERS.get();
        if (spare.size() < MAX_SPARE_INFLATERS) {
            spare.addFirst(i);
        } else {
            i.end();
        }
    }

    /**
     * @param agreed        the response's form of the extension
     * @param resetOutbound whether our compressor forgets its window after each message
     * @param resetInbound  whether the peer's compressor does (so ours may drop its window too)
     * @param onClose       run once when the connection is done (returns memory to the budget)
     * @param sharedDeflaters without outbound context takeover, every connection on a thread
     *                      can use that thread's compressor: a message is compressed in one call
     *                      and the compressor is reset after it
     */
    DeflateExtension(ExtensionOffer agreed, boolean resetOutbound, boolean resetInbound, int level, int threshold,
                     Runnable onClose, ThreadLocal<Deflater> sharedDeflaters) {
        this.agreed = agreed;
        this.resetOutbound = resetOutbound;
        this.resetInbound = resetInbound;
        this.level = level;
        this.threshold = threshold;
        this.onClose = onClose;
        this.sharedDeflaters = sharedDeflaters;
    }

    @Override
    public ExtensionOffer agreed() {
        return agreed;
    }

    @Override
    public int rsvBits() {
        return RSV1;
    }

    @Override
    public boolean decodes(int rsv) {
        return rsv == RSV1;
    }

    @Override
    public void decode(ByteBuffer fragment, boolean last, DecodedSink out) throws ProtocolViolation {
        if (inflater == null) {
            inflater = resetInbound ? borrowInflater() : new Inflater(true);
        }
        if (fragment.hasRemaining()) {
            compressedBytes += fragment.remaining();
            inflater.setInput(fragment);
            drain(out);
        }
        if (last) {
            // A peer that compressed an empty message into zero bytes sent nothing to end; the
            // tail alone would leave the inflater inside a stored block.
            if (compressedBytes > 0) {
                inflater.setInput(TAIL);
                drain(out);
            }
            compressedBytes = 0;
            if (resetInbound) {
                returnInflater(inflater); // no window to keep: the idle connection holds no zlib state
                inflater = null;
            }
        }
    }

    private void drain(DecodedSink out) throws ProtocolViolation {
        byte[] scratch = SCRATCH.get();
        try {
            while (true) {
                int n = inflater.inflate(scratch);
                if (n > 0) {
                    out.accept(ByteBuffer.wrap(scratch, 0, n));
                    continue;
                }
                if (inflater.finished()) {
                    // The sender ended the deflate stream (a BFINAL block): what follows in this
                    // message is the 00 00 ff ff we appended. Start afresh for the next message.
                    inflater.reset();
                    return;
                }
                if (inflater.needsDictionary()) {
                    throw ProtocolViolation.invalidPayload("compressed data asks for a preset dictionary");
                }
                if (inflater.needsInput()) {
                    return;
                }
            }
        } catch (DataFormatException e) {
            throw ProtocolViolation.invalidPayload("compressed data is corrupt: " + e.getMessage());
        }
    }

    @Override
    public Encoded encode(ByteBuffer payload, boolean text) {
        int n = payload.remaining();
        if (n < threshold || n == 0) {
            // An empty message goes uncompressed: with a kept window, an empty sync flush is
            // zero bytes, and the peer's 00 00 ff ff tail alone would leave it mid-block.
            return new Encoded(payload, 0);
        }
        Deflater deflater = compressor();
        deflater.setInput(payload.duplicate());
        // Compressed output rarely beats the input by less than this; grow when it does.
        byte[] out = new byte[Math.max(64, n / 2 + 64)];
        int len = 0;
        while (true) {
            len += deflater.deflate(out, len, out.length - len, Deflater.SYNC_FLUSH);
            if (len < out.length && deflater.needsInput()) {
                break;
            }
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        if (resetOutbound) {
            deflater.reset();
        } else {
            deflater.setInput(NO_INPUT); // do not pin the last message while the connection idles
        }
        // SYNC_FLUSH always ends with the empty stored block 00 00 ff ff; RFC 7692 §7.2.1 drops it.
        if (len >= 4 && out[len - 4] == 0 && out[len - 3] == 0 && out[len - 2] == (byte) 0xFF && out[len - 1] == (byte) 0xFF) {
            len -= 4;
        }
        return new Encoded(ByteBuffer.wrap(out, 0, len), RSV1);
    }

    @Override
    public Object sharedEncodingKey() {
        // Reset after every message, the output depends only on the message, the level and
        // the threshold.
        return resetOutbound ? "permessage-deflate/level=" + level + "/threshold=" + threshold : null;
    }

    private Deflater compressor() {
        if (resetOutbound) {
            return sharedDeflaters.get();
        }
        if (deflater == null) {
            deflater = new Deflater(level, true);
        }
        return deflater;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
        onClose.run();
    }
}
