package dev.duplex.interop;

import org.junit.jupiter.api.Test;

/** Our client against Node's `ws` server (src/test/js/peer.js). */
class DuplexClientVsNodeWsServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        Peers.require(Peers.NODE_WS);
        peer = ScriptPeer.node("server", "0");
        openDuplexClient((int) peer.expect("listening").num("port"));
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
