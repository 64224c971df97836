package dev.duplex.protocol.handshake;

import dev.duplex.protocol.extension.Extension;
import dev.duplex.protocol.extension.ExtensionFactory;
import dev.duplex.protocol.extension.ExtensionNegotiationException;
import dev.duplex.protocol.extension.ExtensionOffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tiny extension for negotiation tests. It owns the given RSV bits and, as a server, accepts
 * offers without a {@code decline} parameter, refuses ones with {@code bad} as malformed, and
 * echoes the offer's parameters back. As a client it refuses a response with a {@code bad}
 * parameter. It transforms nothing.
 */
final class FakeExtensionFactory implements ExtensionFactory {
    private final String name;
    private final int rsvBits;
    private final List<ExtensionOffer> offers;
    final List<FakeExtension> made = new ArrayList<>();
    final List<ExtensionOffer> asked = new ArrayList<>();

    FakeExtensionFactory(String name, int rsvBits, ExtensionOffer... offers) {
        this.name = name;
        this.rsvBits = rsvBits;
        this.offers = List.of(offers);
    }

    /** "x-test" owning RSV2, offering itself with no parameters. */
    static FakeExtensionFactory xTest() {
        return new FakeExtensionFactory("x-test", Extension.RSV2, ExtensionOffer.of("x-test"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<Extension> accept(ExtensionOffer offer) throws ExtensionNegotiationException {
        asked.add(offer);
        if (offer.has("bad")) {
            throw new ExtensionNegotiationException(name + ": parameter bad is not allowed");
        }
        if (offer.has("decline")) {
            return Optional.empty();
        }
        return Optional.of(make(offer));
    }

    @Override
    public List<ExtensionOffer> offers() {
        return offers;
    }

    @Override
    public Extension accepted(ExtensionOffer response) throws ExtensionNegotiationException {
        if (response.has("bad")) {
            throw new ExtensionNegotiationException(name + ": parameter bad is not allowed");
        }
        return make(response);
    }

    private FakeExtension make(ExtensionOffer agreed) {
        FakeExtension e = new FakeExtension(agreed, rsvBits);
        made.add(e);
        return e;
    }

    static final class FakeExtension implements Extension {
        private final ExtensionOffer agreed;
        private final int rsvBits;
        boolean closed;

        FakeExtension(ExtensionOffer agreed, int rsvBits) {
            this.agreed = agreed;
            this.rsvBits = rsvBits;
        }

        @Override
        public ExtensionOffer agreed() {
            return agreed;
        }

        @Override
        public int rsvBits() {
            return rsvBits;
        }

        @Override
        public boolean decodes(int rsv) {
            return (rsv & rsvBits) != 0;
        }

        @Override
        public void decode(ByteBuffer fragment, boolean last, DecodedSink out) {
            throw new UnsupportedOperationException("negotiation tests only");
        }

        @Override
        public Encoded encode(ByteBuffer payload, boolean text) {
            return new Encoded(payload, 0);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
