package dev.duplex.internal;

import java.nio.ByteBuffer;

/**
 * Text the protocol core has just validated, lent read-only to a handler running on the loop.
 * A handler that sends those bytes straight back (an echo, a relay) would otherwise have them
 * checked as UTF-8 a second time; read-only and unmoved, they cannot have changed, so the send
 * skips the check. One per event loop, used on its thread only.
 */
final class CheckedText {
    private final ByteBuffer readBuffer;
    /** A read-only twin of the loop's read buffer, so that lending it allocates nothing. */
    private final ByteBuffer readOnlyReadBuffer;
    private ByteBuffer lent;
    private int position;
    private int limit;

    CheckedText(ByteBuffer readBuffer) {
        this.readBuffer = readBuffer;
        this.readOnlyReadBuffer = readBuffer.asReadOnlyBuffer();
    }

    /** A read-only view of {@code utf8}'s remaining bytes, remembered until {@link #end()}. */
    ByteBuffer lend(ByteBuffer utf8) {
        ByteBuffer view;
        if (utf8 == readBuffer) {
            view = readOnlyReadBuffer;
            view.limit(utf8.limit()).position(utf8.position());
        } else {
            view = utf8.isReadOnly() ? utf8 : utf8.asReadOnlyBuffer(); // a whole assembled message: rare
        }
        lent = view;
        position = view.position();
        limit = view.limit();
        return view;
    }

    void end() {
        lent = null;
    }

    /** Whether {@code b} is the lent view with its bytes unread and unmoved. */
    boolean isUnchanged(ByteBuffer b) {
        return b == lent && b.position() == position && b.limit() == limit;
    }
}
