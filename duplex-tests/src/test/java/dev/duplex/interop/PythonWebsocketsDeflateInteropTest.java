package dev.duplex.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.deflate.PerMessageDeflate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * permessage-deflate with Python `websockets` (src/test/python/peer.py), both roles: the library's
 * defaults (compression="deflate": the client offers client_max_window_bits, the server asks for
 * server_max_window_bits=12) and explicit Client/ServerPerMessageDeflateFactory parameters.
 * websockets has no threshold: it compresses every message, empty ones included.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PythonWebsocketsDeflateInteropTest extends DeflateInterop {

    /** python client, our server. */
    static Stream<Variant> pythonClientVariants() {
        return Stream.of(
                new Variant("python defaults / our defaults", "{\"deflate\":\"default\"}", null, true,
                        "permessage-deflate; server_no_context_takeover"),
                new Variant("python client_no_context_takeover / our defaults accept it",
                        "{\"deflate\":{\"client_no_context_takeover\":true}}", null, true,
                        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                new Variant("python client_no_context_takeover / ours accepts it",
                        "{\"deflate\":{\"client_no_context_takeover\":true}}",
                        () -> PerMessageDeflate.builder().clientNoContextTakeover(true).build(), true,
                        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                new Variant("python client_max_window_bits=10 / our defaults",
                        "{\"deflate\":{\"client_max_window_bits\":10}}", null, true,
                        "permessage-deflate; server_no_context_takeover"),
                new Variant("python server_max_window_bits=15 / our defaults",
                        "{\"deflate\":{\"server_max_window_bits\":15}}", null, true,
                        "permessage-deflate; server_no_context_takeover; server_max_window_bits=15"),
                new Variant("python defaults / ours keeps server context", "{\"deflate\":\"default\"}",
                        () -> PerMessageDeflate.builder().serverNoContextTakeover(false).build(), true, "permessage-deflate"),
                new Variant("python server_max_window_bits=10 / ours declines",
                        "{\"deflate\":{\"server_max_window_bits\":10}}", null, false, null));
    }

    /** Our client, python server. */
    static Stream<Variant> pythonServerVariants() {
        return Stream.of(
                new Variant("our defaults / python defaults (server_max_window_bits=12)", "{\"deflate\":\"default\"}",
                        null, true, "permessage-deflate; server_max_window_bits=12"),
                new Variant("our defaults / python factory defaults (context kept both ways)", "{\"deflate\":{}}", null,
                        true, "permessage-deflate"),
                new Variant("our defaults / python no context takeover both ways",
                        "{\"deflate\":{\"server_no_context_takeover\":true,\"client_no_context_takeover\":true}}", null,
                        true, "permessage-deflate; server_no_context_takeover; client_no_context_takeover"),
                new Variant("our defaults / python server_max_window_bits=10",
                        "{\"deflate\":{\"server_max_window_bits\":10}}", null, true,
                        "permessage-deflate; server_max_window_bits=10"),
                new Variant("ours offers client_no_context_takeover / python factory defaults", "{\"deflate\":{}}",
                        () -> PerMessageDeflate.builder().offerClientNoContextTakeover(true).build(), true,
                        "permessage-deflate; client_no_context_takeover"),
                new Variant("our defaults / python requires client_max_window_bits (declined)",
                        "{\"deflate\":{\"client_max_window_bits\":10,\"require_client_max_window_bits\":true}}", null,
                        false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonClientVariants")
    void pythonClientAgainstOurServer(Variant v) throws Exception {
        Peers.require(Peers.PYTHON_WEBSOCKETS);
        peer = ScriptPeer.python("client", startDuplexServer(v).toString(), v.peerOptions());
        duplex.ws();
        Event open = peer.expect("open");
        assertOurSide(v);
        assertPeerSide(open, v);
        exchange(true, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pythonServerVariants")
    void ourClientAgainstPythonServer(Variant v) throws Exception {
        Peers.require(Peers.PYTHON_WEBSOCKETS);
        peer = ScriptPeer.python("server", "0", v.peerOptions());
        openDuplexClient((int) peer.expect("listening").num("port"), v);
        Event open = peer.expect("open");
        assertThat(open.str("offer")).as("what our client offered").startsWith(PerMessageDeflate.NAME);
        assertOurSide(v);
        assertPeerSide(open, v);
        exchange(true, true);
    }

    private static void assertPeerSide(Event open, Variant v) {
        List<?> agreed = (List<?>) open.fields.get("extensions");
        if (!v.negotiated()) {
            assertThat(agreed).as("extensions websockets agreed: %s", open).isEmpty();
            assertThat(open.str("header")).as("response header: %s", open).isEmpty();
            return;
        }
        assertThat(agreed).as("extensions websockets agreed: %s", open).hasSize(1);
        assertThat(((Map<?, ?>) agreed.get(0)).get("name")).isEqualTo(PerMessageDeflate.NAME);
        assertThat(params(open.str("header"))).as("response header websockets saw: %s", open).isEqualTo(params(v.response()));
    }
}
