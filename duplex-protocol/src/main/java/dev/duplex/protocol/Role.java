package dev.duplex.protocol;

/** Which end of a WebSocket connection an endpoint plays; it decides the masking direction. */
public enum Role {
    /** Opens the connection and masks every frame it sends. */
    CLIENT,
    /** Accepts the connection and never masks; rejects unmasked frames from the client. */
    SERVER;

    /** The role of the other end. */
    public Role peer() {
        return this == CLIENT ? SERVER : CLIENT;
    }
}
