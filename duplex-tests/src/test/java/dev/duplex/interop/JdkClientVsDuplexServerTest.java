package dev.duplex.interop;

/** The JDK's java.net.http.WebSocket client against our server. */
class JdkClientVsDuplexServerTest extends InteropContract {
    @Override
    void connect() throws Exception {
        peer = new JdkClientPeer(startDuplexServer());
    }
}
