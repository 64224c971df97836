package dev.duplex.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The harness's own permessage-deflate (RFC 7692) with java.util.zip: it compresses what it sends
 * and inflates what the peer sends, keeping or resetting each context as negotiated.
 */
final class HarnessDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);
    private final boolean resetOwn;
    private final boolean resetPeer;
    private final long maxInflated;

    /**
     * @param resetOwn   our side has no context takeover (reset the compressor after each message)
     * @param resetPeer  the peer's side has no context takeover
     */
    HarnessDeflate(boolean resetOwn, boolean resetPeer, long maxInflated) {
        this.resetOwn = resetOwn;
        this.resetPeer = resetPeer;
        this.maxInflated = maxInflated;
    }

    /** For the harness as client: parameters from the server's response. */
    static HarnessDeflate asClient(Map<String, String> response) {
        return new HarnessDeflate(response.containsKey("client_no_context_takeover"),
                response.containsKey("server_no_context_takeover"), 64 << 20);
    }

    /** For the harness as server: parameters of the response it sent. */
    static HarnessDeflate asServer(Map<String, String> response) {
        return new HarnessDeflate(response.containsKey("server_no_context_takeover"),
                response.containsKey("client_no_context_takeover"), 64 << 20);
    }

    /** Parses one extension element ("permessage-deflate; a; b=1") into parameter name to value. */
    static Map<String, String> params(String element) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] parts = element.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1).trim().replace("\"", "");
            if (m.containsKey(name)) {
                throw new IllegalArgumentException("parameter " + name + " twice in " + element);
            }
            m.put(name, value);
        }
        return m;
    }

    /** The compressed payload of one message (the 00 00 FF FF tail removed, RFC 7692 §7.2.1). */
    synchronized byte[] compress(byte[] message) {
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length / 2 + 64);
        byte[] buf = new byte[64 << 10];
        while (true) {
            int n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
            if (n < buf.length && deflater.needsInput()) {
                break;
            }
        }
        byte[] b = out.toByteArray();
        if (b.length < 4 || !Arrays.equals(b, b.length - 4, b.length, TAIL, 0, 4)) {
            throw new IllegalStateException("deflate output does not end in 00 00 FF FF");
        }
        if (resetOwn) {
            deflater.reset();
        }
        return Arrays.copyOf(b, b.length - 4);
    }

    /** The message a compressed payload stands for. */
    synchronized byte[] decompress(byte[] payload) throws DataFormatException {
        inflater.setInput(Wire.concat(payload, TAIL));
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, payload.length * 3));
        byte[] buf = new byte[64 << 10];
        while (true) {
            int n = inflater.inflate(buf);
            out.write(buf, 0, n);
            if (out.size() > maxInflated) {
                throw new DataFormatException("inflates past " + maxInflated + " bytes");
            }
            if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
                break;
            }
        }
        if (resetPeer || inflater.finished()) { // a final block (BFINAL) ends the stream: start anew
            inflater.reset();
        }
        return out.toByteArray();
    }
}
