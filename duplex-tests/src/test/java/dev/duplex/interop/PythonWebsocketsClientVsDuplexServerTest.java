package dev.duplex.interop;

/** Python's `websockets` client (src/test/python/peer.py, Debian's python3-websockets) against our server. */
class PythonWebsocketsClientVsDuplexServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        Peers.require(Peers.PYTHON_WEBSOCKETS);
        String uri = startDuplexServer().toString();
        peer = ScriptPeer.python("client", uri);
    }
}
