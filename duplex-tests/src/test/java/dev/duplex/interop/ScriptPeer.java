package dev.duplex.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A peer in another process (src/test/js/peer.js, src/test/python/peer.py): JSON commands on its
 * stdin, JSON events on its stdout, stderr kept for failure messages. {@link #close()} kills it
 * and every process it started.
 */
final class ScriptPeer extends Peer {
    private final String name;
    private final Process process;
    private final OutputStream stdin;
    private final StringBuffer stderr = new StringBuffer();
    private final boolean reportsPings;

    private ScriptPeer(String name, Process process, boolean reportsPings) {
        this.name = name;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.reportsPings = reportsPings;
        Thread out = new Thread(this::readEvents, "peer-stdout-" + name);
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(this::readStderr, "peer-stderr-" + name);
        err.setDaemon(true);
        err.start();
    }

    static ScriptPeer start(String name, List<String> command, boolean reportsPings) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(Peers.testsDir().toFile());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        return new ScriptPeer(name, pb.start(), reportsPings);
    }

    static ScriptPeer node(String mode, String target) throws IOException {
        return start("node ws " + mode, List.of(Peers.node(), Peers.script("js/peer.js").toString(), mode, target,
                Long.toString(Payloads.MAX_MESSAGE)), true);
    }

    /**
     * A Node peer with options (the script's 4th argument), e.g. {@code {"deflate":{"threshold":0}}}
     * to negotiate permessage-deflate with ws's perMessageDeflate options.
     */
    static ScriptPeer node(String mode, String target, String optionsJson) throws IOException {
        return start("node ws " + mode + " " + optionsJson, List.of(Peers.node(), Peers.script("js/peer.js").toString(),
                mode, target, Long.toString(Payloads.MAX_MESSAGE), optionsJson), true);
    }

    /** A Python peer with options (the script's 4th argument), e.g. {@code {"deflate":"default"}}. */
    static ScriptPeer python(String mode, String target, String optionsJson) throws IOException {
        return start("python websockets " + mode + " " + optionsJson, List.of(Peers.python(),
                Peers.script("python/peer.py").toString(), mode, target, Long.toString(Payloads.MAX_MESSAGE),
                optionsJson), false);
    }

    static ScriptPeer python(String mode, String target) throws IOException {
        // websockets' asyncio API does not expose received pings to the application.
        return start("python websockets " + mode, List.of(Peers.python(), Peers.script("python/peer.py").toString(), mode,
                target, Long.toString(Payloads.MAX_MESSAGE)), false);
    }

    private void readEvents() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(Event.parse(line));
                } catch (RuntimeException e) {
                    events.add(Event.of("error", "message", "unparsable line from peer: " + line));
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    private void readStderr() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (stderr.length() < 20_000) {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    private synchronized void command(Object... keyValues) throws IOException {
        stdin.write((Json.object(keyValues) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean reportsPings() {
        return reportsPings;
    }

    @Override
    public void sendText(String text) throws IOException {
        command("op", "text", "data", text);
    }

    @Override
    public void sendBinary(byte[] data) throws IOException {
        command("op", "binary", "b64", b64(data));
    }

    @Override
    public void sendBigText(int reps) throws IOException {
        command("op", "bigText", "reps", reps);
    }

    @Override
    public void sendBigBinary(int size) throws IOException {
        command("op", "bigBinary", "size", size);
    }

    @Override
    public void sendTextFragments(List<String> parts) throws IOException {
        command("op", "fragments", "kind", "text", "parts", parts);
    }

    /** Text fragments given as raw UTF-8 bytes, so that a character may be split across frames (Node only). */
    void sendRawTextFragments(List<byte[]> parts) throws IOException {
        List<String> l = new ArrayList<>();
        parts.forEach(p -> l.add(b64(p)));
        command("op", "fragments", "kind", "text", "raw", true, "parts", l);
    }

    /** A fragmented text message with a ping between its first and second frames (Node only). */
    void sendTextFragmentsWithPing(List<String> parts, byte[] ping) throws IOException {
        command("op", "fragments", "kind", "text", "parts", parts, "pingB64", b64(ping));
    }

    /** A close frame with no payload, so no code (Node only). */
    void closeWithoutCode() throws IOException {
        command("op", "close");
    }

    @Override
    public void sendBinaryFragments(List<byte[]> parts) throws IOException {
        List<String> l = new ArrayList<>();
        parts.forEach(p -> l.add(b64(p)));
        command("op", "fragments", "kind", "binary", "parts", l);
    }

    /**
     * A chat-like JSON text of about {@code size} bytes, made by the peer and sent as {@code parts}
     * frames; the peer first reports a "sent" event with its size and digest.
     */
    void sendJson(int size, int parts) throws IOException {
        command("op", "json", "size", size, "parts", parts);
    }

    /** {@code size} random bytes (incompressible) made by the peer, as {@code parts} frames; "sent" first. */
    void sendRandom(int size, int parts) throws IOException {
        command("op", "random", "size", size, "parts", parts);
    }

    @Override
    public void ping(byte[] payload) throws IOException {
        command("op", "ping", "b64", b64(payload));
    }

    @Override
    public void close(int code, String reason) throws IOException {
        command("op", "close", "code", code, "reason", reason);
    }

    @Override
    protected String diagnostics() {
        String err = stderr.toString();
        return (process.isAlive() ? "" : " (the peer process exited with " + process.exitValue() + ")")
                + (err.isBlank() ? "" : "\n--- " + name + " stderr ---\n" + err);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            stdin.close();
        } catch (IOException ignored) {
            // gone already
        }
        process.destroy();
        try {
            if (!process.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
