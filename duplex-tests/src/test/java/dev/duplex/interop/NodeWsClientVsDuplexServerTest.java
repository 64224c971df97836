package dev.duplex.interop;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** Node's `ws` client (src/test/js/peer.js) against our server. */
class NodeWsClientVsDuplexServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        Peers.require(Peers.NODE_WS);
        URI uri = startDuplexServer();
        peer = ScriptPeer.node("client", uri.toString());
    }

    @Test
    void textFragmentsSplitInsideACharacterArriveWhole() throws Exception {
        assertSplitUtf8IsReassembled((ScriptPeer) peer);
    }

    @Test
    void pingBetweenFragmentsIsAnsweredAndTheMessageArrivesWhole() throws Exception {
        assertPingInsideAFragmentedMessage((ScriptPeer) peer);
    }

    @Test
    void closeWithoutACodeIsReportedAs1005() throws Exception {
        assertCloseWithoutCode((ScriptPeer) peer);
    }

    @Test
    void messageOverOurLimitIsRefusedWith1009() throws Exception {
        assertTooBigIsRefusedWith1009((ScriptPeer) peer);
    }
}
