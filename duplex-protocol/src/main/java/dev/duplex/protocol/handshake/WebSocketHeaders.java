package dev.duplex.protocol.handshake;

/** Header names and fixed values of the RFC 6455 opening handshake. */
public final class WebSocketHeaders {
    public static final String HOST = "Host";
    public static final String UPGRADE = "Upgrade";
    public static final String CONNECTION = "Connection";
    public static final String ORIGIN = "Origin";
    public static final String SEC_WEBSOCKET_KEY = "Sec-WebSocket-Key";
    public static final String SEC_WEBSOCKET_ACCEPT = "Sec-WebSocket-Accept";
    public static final String SEC_WEBSOCKET_VERSION = "Sec-WebSocket-Version";
    public static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
    public static final String SEC_WEBSOCKET_EXTENSIONS = "Sec-WebSocket-Extensions";

    /** The {@code Upgrade} token that asks for WebSocket, compared case-insensitively. */
    public static final String WEBSOCKET = "websocket";
    /** The {@code Connection} token that must accompany an upgrade. */
    public static final String UPGRADE_TOKEN = "upgrade";
    /** The only protocol version this library speaks (RFC 6455 §4.1). */
    public static final String VERSION = "13";

    private WebSocketHeaders() {}
}
