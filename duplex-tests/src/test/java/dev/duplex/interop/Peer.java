package dev.duplex.interop;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The other side of a connection with Duplex: an implementation nobody here wrote, driven through
 * the same few actions whatever it is, and reporting what it sees as {@link Event}s.
 */
public abstract class Peer implements AutoCloseable {
    protected final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    /** A name for messages: "node ws client", "jetty server"... */
    public abstract String name();

    public abstract void sendText(String text) throws Exception;

    public abstract void sendBinary(byte[] data) throws Exception;

    /** Sends the 8 MiB-ish text {@link Payloads#bigText} made on the peer's side. */
    public abstract void sendBigText(int reps) throws Exception;

    /** Sends {@link Payloads#pattern} made on the peer's side. */
    public abstract void sendBigBinary(int size) throws Exception;

    /** Sends one text message as one frame per part (a text frame, then continuations). */
    public abstract void sendTextFragments(List<String> parts) throws Exception;

    /** Sends one binary message as one frame per part. */
    public abstract void sendBinaryFragments(List<byte[]> parts) throws Exception;

    public abstract void ping(byte[] payload) throws Exception;

    public abstract void close(int code, String reason) throws Exception;

    /** Whether the peer tells its application about pings it receives (some answer them silently). */
    public boolean reportsPings() {
        return true;
    }

    /** The next event, failing if none comes within {@code seconds}. Skips "version" lines. */
    public Event next(int seconds) throws InterruptedException {
        while (true) {
            Event e = events.poll(seconds, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError(name() + ": no event within " + seconds + " s" + diagnostics());
            }
            if (!e.type.equals("version")) {
                return e;
            }
        }
    }

    /** The next event, which must be of {@code type}. */
    public Event expect(String type) throws InterruptedException {
        Event e = next(30);
        if (!e.type.equals(type)) {
            throw new AssertionError(name() + ": expected a '" + type + "' event, got: " + e + diagnostics());
        }
        return e;
    }

    /** The events received so far and not yet taken, without waiting. */
    public List<Event> drain() {
        List<Event> l = new java.util.ArrayList<>();
        events.drainTo(l);
        l.removeIf(e -> e.type.equals("version"));
        return l;
    }

    /** Extra text for failure messages (a script's stderr, say). */
    protected String diagnostics() {
        return "";
    }

    @Override
    public abstract void close();
}
