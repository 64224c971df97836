package dev.duplex.protocol.extension;

/** An extension offer or response broke the extension's rules; the message says which. */
public final class ExtensionNegotiationException extends Exception {
    private static final long serialVersionUID = 1L;

    public ExtensionNegotiationException(String message) {
        super(message);
    }
}
