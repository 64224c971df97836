package dev.duplex.protocol.deflate;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionFactory;
import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import dev.duplex.protocol.extension.ExtensionParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/**
 * The permessage-deflate extension (RFC 7692), both roles. Plug it into a server or client; it
 * negotiates per connection and compresses messages above a threshold.
 *
 * <p>What we accept, and why: the JDK's {@link Deflater} always uses a 32 KiB window, so as a
 * server we decline offers that demand {@code server_max_window_bits} below 15 (the client then
 * falls back to its next offer, or to no compression), and as a client we never offer
 * {@code client_max_window_bits}, so a server cannot ask us for a smaller window. Inflating works
 * with any window, so the peer's window parameters are always honoured.
 *
 * <p>Defaults are for servers with many connections: the server asks for
 * {@code server_no_context_takeover}, so its compressor is reset after every message and one
 * compressor per thread serves every connection; messages under 1 KiB go uncompressed (each
 * compressed message costs 5-10 µs of fixed zlib work, measured; below 1 KiB that buys little); level
 * 6; a client's offer of {@code client_no_context_takeover} is accepted; at most 10,000
 * connections hold compression state at once (the rest go uncompressed).
 */
public final class PerMessageDeflate implements ExtensionFactory {
    /** The extension token. */
    public static final String NAME = "permessage-deflate";

    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final boolean offerClientNoContextTakeover;
    private final int level;
    private final int threshold;
    private final int maxContexts;
    private final AtomicInteger contexts = new AtomicInteger();
    private final ThreadLocal<Deflater> sharedDeflaters;

    private PerMessageDeflate(Builder b) {
        this.serverNoContextTakeover = b.serverNoContextTakeover;
        this.clientNoContextTakeover = b.clientNoContextTakeover;
        this.offerClientNoContextTakeover = b.offerClientNoContextTakeover;
        this.level = b.level;
        this.threshold = b.threshold;
        this.maxContexts = b.maxContexts;
        int lvl = b.level;
        this.sharedDeflaters = ThreadLocal.withInitial(() -> new Deflater(lvl, true));
    }

    /** The defaults described above. */
    public static PerMessageDeflate defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    // ------------------------------------------------------------------ server role

    @Override
    public Optional<Extension> accept(ExtensionOffer offer) {
        DeflateParameters p;
        try {
            p = DeflateParameters.parse(offer, true);
        } catch (ExtensionNegotiationException e) {
            return Optional.empty(); // RFC 7692 §7: decline an offer with bad parameters
        }
        if (p.serverMaxWindowBits() != -1 && p.serverMaxWindowBits() < 15) {
            return Optional.empty(); // we cannot compress with a smaller window; maybe the next offer
        }
        boolean serverReset = p.serverNoContextTakeover() || serverNoContextTakeover;
        boolean clientReset = p.clientNoContextTakeover() && clientNoContextTakeover;
        boolean perConnectionState = !serverReset || !clientReset;
        if (perConnectionState && !reserve()) {
            return Optional.empty(); // over the memory budget: this connection goes uncompressed
        }
        List<ExtensionParameter> response = new ArrayList<>();
        if (serverReset) {
            response.add(new ExtensionParameter(DeflateParameters.SERVER_NO_CONTEXT_TAKEOVER, null));
        }
        if (clientReset) {
            response.add(new ExtensionParameter(DeflateParameters.CLIENT_NO_CONTEXT_TAKEOVER, null));
        }
        if (p.serverMaxWindowBits() == 15) {
            response.add(new ExtensionParameter(DeflateParameters.SERVER_MAX_WINDOW_BITS, "15"));
        }
        return Optional.of(new DeflateExtension(new ExtensionOffer(NAME, response), serverReset, clientReset, level,
                threshold, perConnectionState ? contexts::decrementAndGet : () -> { }, sharedDeflaters));
    }

    // ------------------------------------------------------------------ client role

    @Override
    public List<ExtensionOffer> offers() {
        List<ExtensionParameter> params = new ArrayList<>();
        if (offerClientNoContextTakeover) {
            params.add(new ExtensionParameter(DeflateParameters.CLIENT_NO_CONTEXT_TAKEOVER, null));
        }
        return List.of(new ExtensionOffer(NAME, params));
    }

    @Override
    public Extension accepted(ExtensionOffer response) throws ExtensionNegotiationException {
        DeflateParameters p = DeflateParameters.parse(response, false);
        if (p.clientMaxWindowBits() != -1) {
            // RFC 7692 §7.1.2.2: only a client that offered the parameter may receive it.
            throw new ExtensionNegotiationException("the server sent client_max_window_bits="
                    + p.clientMaxWindowBits() + ", which was not offered");
        }
        boolean clientReset = p.clientNoContextTakeover();
        boolean serverReset = p.serverNoContextTakeover();
        // Our compressor and our decompressor both belong to this connection.
        return new DeflateExtension(response, clientReset, serverReset, level, threshold, () -> { }, sharedDeflaters);
    }

    private boolean reserve() {
        while (true) {
            int n = contexts.get();
            if (n >= maxContexts) {
                return false;
            }
            if (contexts.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Connections holding compression state now (for metrics and tests). */
    public int contextsInUse() {
        return contexts.get();
    }

    /** Builds a {@link PerMessageDeflate}. */
    public static final class Builder {
        private boolean serverNoContextTakeover = true;
        private boolean clientNoContextTakeover = true;
        private boolean offerClientNoContextTakeover;
        private int level = 6;
        private int threshold = 1024;
        private int maxContexts = 10_000;

        private Builder() {}

        /**
         * Server only: answer with {@code server_no_context_takeover} even when not offered
         * (default true), so the compressor is reset after every message and shared per thread
         * instead of kept per connection. A client leaves this choice to the server.
         */
        public Builder serverNoContextTakeover(boolean v) {
            this.serverNoContextTakeover = v;
            return this;
        }

        /**
         * Server only: accept a client's offer of {@code client_no_context_takeover} (default
         * true), so that no window is kept for that client between messages.
         */
        public Builder clientNoContextTakeover(boolean v) {
            this.clientNoContextTakeover = v;
            return this;
        }

        /**
         * Client only: offer {@code client_no_context_takeover} (default false), so that our
         * compressor resets after every message: less memory, larger messages.
         */
        public Builder offerClientNoContextTakeover(boolean v) {
            this.offerClientNoContextTakeover = v;
            return this;
        }

        /** zlib level 1 (fast) to 9 (small); default 6. */
        public Builder level(int level) {
            if (level < 0 || level > 9) {
                throw new IllegalArgumentException("level must be 0-9, was " + level);
            }
            this.level = level;
            return this;
        }

        /** Messages shorter than this many bytes are sent uncompressed (default 1024). */
        public Builder threshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threshold must be >= 0, was " + bytes);
            }
            this.threshold = bytes;
            return this;
        }

        /**
         * Server: how many connections may hold their own compression state at once (a context
         * takeover window: about 40 KiB to inflate, 256 KiB to deflate); beyond it new
         * connections are served uncompressed. Default 10,000.
         */
        public Builder maxContexts(int n) {
            this.maxContexts = n;
            return this;
        }

        public PerMessageDeflate build() {
            return new PerMessageDeflate(this);
        }
    }
}
