package dev.duplex.interop;

/** Our client against Python's `websockets` server (src/test/python/peer.py). */
class DuplexClientVsPythonWebsocketsServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        Peers.require(Peers.PYTHON_WEBSOCKETS);
        peer = ScriptPeer.python("server", "0");
        openDuplexClient((int) peer.expect("listening").num("port"));
    }
}
