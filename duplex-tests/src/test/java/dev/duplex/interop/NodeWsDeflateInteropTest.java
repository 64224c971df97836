package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.ClientOptions;
import dev.duplex.WebSocketClient;
import java.net.URI;
import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * permessage-deflate with Node's `ws` (src/test/js/peer.js with perMessageDeflate on), both roles.
 * ws compresses only messages of at least its threshold (1024 B by default), so variants with
 * threshold 0 make it compress the small ones too.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NodeWsDeflateInteropTest extends DeflateInterop {

    /** ws client, our server. */
    static Stream<Variant> wsClientVariants() {
        return Stream.of(
                new Variant("ws defaults / our defaults", "{\"deflate\":{}}", null, true,
                        "permessage-deflate; server_no_context_takeover"),
                new Variant("ws threshold 0 / our defaults", "{\"deflate\":{\"threshold\":0}}", null, true,
                        "permessage-deflate; server_no_context_takeover"),
                new Variant("ws offers client_no_context_takeover, threshold 0 / our defaults accept it",
                        "{\"deflate\":{\"threshold\":0,\"clientNoContextTakeover\":true}}", null, true,
                        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                new Variant("ws offers client_no_context_takeover / ours accepts it",
                        "{\"deflate\":{\"threshold\":0,\"clientNoContextTakeover\":true}}",
                        () -> PerMessageDeflate.builder().clientNoContextTakeover(true).build(), true,
                        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                new Variant("ws offers server_no_context_takeover / ours keeps context",
                        "{\"deflate\":{\"threshold\":0,\"serverNoContextTakeover\":true}}",
                        () -> PerMessageDeflate.builder().serverNoContextTakeover(false).build(), true,
                        "permessage-deflate; server_no_context_takeover"),
                new Variant("ws threshold 0 / ours keeps server context, level 9, threshold 0",
                        "{\"deflate\":{\"threshold\":0}}",
                        () -> PerMessageDeflate.builder().serverNoContextTakeover(false).level(9).threshold(0).build(),
                        true, "permessage-deflate"),
                new Variant("ws offers server_max_window_bits=10 / ours declines", "{\"deflate\":{\"serverMaxWindowBits\":10}}",
                        null, false, null));
    }

    /** Our client, ws server. */
    static Stream<Variant> wsServerVariants() {
        return Stream.of(
                new Variant("our defaults / ws defaults", "{\"deflate\":{}}", null, true, "permessage-deflate"),
                new Variant("our defaults / ws threshold 0", "{\"deflate\":{\"threshold\":0}}", null, true,
                        "permessage-deflate"),
                new Variant("our defaults / ws no context takeover both ways, threshold 0",
                        "{\"deflate\":{\"threshold\":0,\"serverNoContextTakeover\":true,\"clientNoContextTakeover\":true}}",
                        null, true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                new Variant("our defaults / ws server_max_window_bits=10, threshold 0",
                        "{\"deflate\":{\"threshold\":0,\"serverMaxWindowBits\":10}}", null, true,
                        "permessage-deflate; server_max_window_bits=10"),
                new Variant("ours offers client_no_context_takeover, threshold 0 / ws threshold 0",
                        "{\"deflate\":{\"threshold\":0}}",
                        () -> PerMessageDeflate.builder().offerClientNoContextTakeover(true).threshold(0).build(), true,
                        "permessage-deflate; client_no_context_takeover"),
                new Variant("ours threshold 0 (client context kept) / ws defaults", "{\"deflate\":{}}",
                        () -> PerMessageDeflate.builder().threshold(0).build(), true, "permessage-deflate"),
                new Variant("ours level 1 / ws threshold 0", "{\"deflate\":{\"threshold\":0}}",
                        () -> PerMessageDeflate.builder().level(1).build(), true, "permessage-deflate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wsClientVariants")
    void wsClientAgainstOurServer(Variant v) throws Exception {
        Peers.require(Peers.NODE_WS);
        peer = ScriptPeer.node("client", startDuplexServer(v).toString(), v.peerOptions());
        duplex.ws();
        Event open = peer.expect("open");
        assertOurSide(v);
        assertPeerSide(open, v, open.str("header"));
        exchange(true, !emptyIsBuggy(v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wsServerVariants")
    void ourClientAgainstWsServer(Variant v) throws Exception {
        Peers.require(Peers.NODE_WS);
        peer = ScriptPeer.node("server", "0", v.peerOptions());
        openDuplexClient((int) peer.expect("listening").num("port"), v);
        Event open = peer.expect("open");
        assertThat(open.str("offer")).as("what our client offered").startsWith(PerMessageDeflate.NAME);
        assertOurSide(v);
        assertPeerSide(open, v, null);
        exchange(true, !emptyIsBuggy(v));
    }

    /** Variants where our side compresses an empty message with a kept window (Duplex bug, see below). */
    static boolean emptyIsBuggy(Variant v) {
        return v.name().contains("threshold 0") && v.name().startsWith("ours") && v.name().contains("context kept")
                || v.name().contains("ours keeps server context, level 9, threshold 0");
    }

    /**
     * A ws server that asks for client_max_window_bits=10 refuses our offer (we never offer that
     * parameter, as the JDK's Deflater always uses a 32 KiB window) and ws then fails the whole
     * handshake with 400 rather than go on without compression. That is ws's choice; the way out
     * for a Duplex client is compression(false).
     */
    @org.junit.jupiter.api.Test
    void wsServerRequiringClientMaxWindowBitsRefusesOurOfferUnlessCompressionIsOff() throws Exception {
        Peers.require(Peers.NODE_WS);
        peer = ScriptPeer.node("server", "0", "{\"deflate\":{\"clientMaxWindowBits\":10}}");
        int port = (int) peer.expect("listening").num("port");
        client = WebSocketClient.create(1);
        URI uri = URI.create("ws://127.0.0.1:" + port + PATH);
        assertThatThrownBy(() -> client.open(uri, new DuplexSide(), ClientOptions.builder().build()).get(30, TimeUnit.SECONDS))
                .hasMessageContaining("400");
        client.open(uri, duplex, ClientOptions.builder().compression(false).maxMessageSize(Payloads.MAX_MESSAGE).build())
                .get(30, TimeUnit.SECONDS);
        Event open = peer.expect("open");
        assertThat(duplex.ws().extensions()).isEmpty();
        assertThat(open.str("extensions")).isEmpty();
        bothWays(chatJson(5000, 1));
        closeCleanly();
    }

    /** Duplex bug, server side: serverNoContextTakeover(false), threshold(0), then an empty message. */
    @org.junit.jupiter.api.Test
    void emptyMessageWithServerContextTakeoverKeepsWsInSync() throws Exception {
        Peers.require(Peers.NODE_WS);
        Variant v = new Variant("empty", "{\"deflate\":{}}",
                () -> PerMessageDeflate.builder().serverNoContextTakeover(false).threshold(0).build(), true, "permessage-deflate");
        peer = ScriptPeer.node("client", startDuplexServer(v).toString(), v.peerOptions());
        duplex.ws();
        peer.expect("open");
        emptyMessageThenMore();
    }

    /** Duplex bug, client side: threshold(0) against a ws server that lets the client keep its window. */
    @org.junit.jupiter.api.Test
    void emptyMessageWithClientContextTakeoverKeepsWsInSync() throws Exception {
        Peers.require(Peers.NODE_WS);
        Variant v = new Variant("empty", "{\"deflate\":{}}", () -> PerMessageDeflate.builder().threshold(0).build(),
                true, "permessage-deflate");
        peer = ScriptPeer.node("server", "0", v.peerOptions());
        openDuplexClient((int) peer.expect("listening").num("port"), v);
        peer.expect("open");
        emptyMessageThenMore();
    }

    private static void assertPeerSide(Event open, Variant v, String header) {
        if (!v.negotiated()) {
            assertThat(open.str("extensions")).as("ws.extensions: %s", open).isEmpty();
            assertThat(open.fields.get("params")).as("ws params: %s", open).isNull();
            return;
        }
        assertThat(open.str("extensions")).as("ws.extensions: %s", open).isEqualTo(PerMessageDeflate.NAME);
        Map<String, String> expected = params(v.response());
        assertThat(params((Map<?, ?>) open.fields.get("params"))).as("parameters ws agreed: %s", open).isEqualTo(expected);
        if (header != null) {
            assertThat(params(header)).as("response header ws got: %s", header).isEqualTo(expected);
        }
    }
}
