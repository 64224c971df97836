package dev.duplex.internal;

import dev.duplex.PreparedMessage;
import dev.duplex.protocol.extension.Extension;
import java.nio.ByteBuffer;

/**
 * The runtime's view into {@link PreparedMessage}, whose frame cache is not public API. The
 * message class registers the accessor when it is initialised, which happens before any
 * instance can reach a connection.
 */
public final class PreparedFrames {
    /** What the runtime needs from a prepared message. */
    public interface Access {
        byte[] frameFor(PreparedMessage m, Extension ext);

        ByteBuffer payload(PreparedMessage m);
    }

    private static volatile Access access;

    private PreparedFrames() {}

    /** Called once by {@link PreparedMessage}. */
    public static void register(Access a) {
        access = a;
    }

    static byte[] frameFor(PreparedMessage m, Extension ext) {
        return access.frameFor(m, ext);
    }

    static ByteBuffer payload(PreparedMessage m) {
        return access.payload(m);
    }
}
