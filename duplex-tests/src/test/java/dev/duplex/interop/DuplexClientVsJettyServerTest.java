package dev.duplex.interop;

/** Our client against Jetty 12.1's WebSocket server. */
class DuplexClientVsJettyServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        JettyPeer jetty = JettyPeer.server(PATH);
        peer = jetty;
        openDuplexClient(jetty.port());
    }
}
