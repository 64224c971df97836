package dev.duplex.interop;

/** Jetty 12.1's WebSocket client against our server. */
class JettyClientVsDuplexServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        peer = JettyPeer.client(startDuplexServer());
    }
}
