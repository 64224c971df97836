package dev.duplex.interop;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The JDK's own client, java.net.http.WebSocket. */
final class JdkClientPeer extends Peer {
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket ws;

    JdkClientPeer(URI uri) throws Exception {
        ws = http.newWebSocketBuilder().buildAsync(uri, new Listener()).get(30, TimeUnit.SECONDS);
        events.add(Event.of("open"));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(Event.message(true, Payloads.utf8(text.toString())));
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                events.add(Event.message(false, binary.toByteArray()));
                binary.reset();
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket w, ByteBuffer message) {
            byte[] b = new byte[message.remaining()];
            message.get(b);
            events.add(Event.control("ping", b)); // the JDK answers with a pong by itself
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket w, ByteBuffer message) {
            byte[] b = new byte[message.remaining()];
            message.get(b);
            events.add(Event.control("pong", b));
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            events.add(Event.of("close", "code", (long) statusCode, "reason", reason));
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            events.add(Event.of("error", "message", String.valueOf(error)));
        }
    }

    @Override
    public String name() {
        return "JDK java.net.http client";
    }

    // The JDK allows one outstanding send at a time: each waits for the previous one.
    private static void await(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        f.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void sendText(String text) throws Exception {
        await(ws.sendText(text, true));
    }

    @Override
    public void sendBinary(byte[] data) throws Exception {
        await(ws.sendBinary(ByteBuffer.wrap(data), true));
    }

    @Override
    public void sendBigText(int reps) throws Exception {
        await(ws.sendText(CharBuffer.wrap(Payloads.bigText(reps)), true));
    }

    @Override
    public void sendBigBinary(int size) throws Exception {
        await(ws.sendBinary(ByteBuffer.wrap(Payloads.pattern(size)), true));
    }

    @Override
    public void sendTextFragments(List<String> parts) throws Exception {
        for (int i = 0; i < parts.size(); i++) {
            await(ws.sendText(parts.get(i), i == parts.size() - 1));
        }
    }

    @Override
    public void sendBinaryFragments(List<byte[]> parts) throws Exception {
        for (int i = 0; i < parts.size(); i++) {
            await(ws.sendBinary(ByteBuffer.wrap(parts.get(i)), i == parts.size() - 1));
        }
    }

    @Override
    public void ping(byte[] payload) throws Exception {
        await(ws.sendPing(ByteBuffer.wrap(payload)));
    }

    @Override
    public void close(int code, String reason) throws Exception {
        await(ws.sendClose(code, reason));
    }

    @Override
    public void close() {
        ws.abort(); // HttpClient has no close() before Java 21; its threads are daemons
    }
}
