package dev.duplex.internal;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Files under one directory, served by path. A request can never reach outside the directory:
 * {@code ..} segments, encoded or not, absolute paths, NUL bytes and symbolic links that lead
 * out are all refused.
 */
public final class StaticFiles {
    /** Files larger than this are not served (they would be read into memory whole). */
    static final long MAX_FILE_BYTES = 32L << 20;

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("map", "application/json"));

    private final Path root;

    public StaticFiles(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) {
            throw new IOException("static file root is not a directory: " + root);
        }
    }

    /** A file to send. */
    public record Found(byte[] body, String contentType) {}

    /** The file for a request path (without query), or empty for 404. */
    public Optional<Found> find(String rawPath) throws IOException {
        Optional<Path> p = resolve(rawPath);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        Path file = p.get();
        if (Files.isDirectory(file)) {
            file = file.resolve("index.html");
        }
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES) {
            return Optional.empty();
        }
        Path real = file.toRealPath();
        if (!real.startsWith(root)) {
            return Optional.empty(); // a symbolic link pointing outside the root
        }
        return Optional.of(new Found(Files.readAllBytes(real), contentType(real)));
    }

    /** Maps a request path to a path under the root, or empty when it would leave the root. */
    Optional<Path> resolve(String rawPath) {
        String decoded;
        try {
            decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!decoded.startsWith("/") || decoded.indexOf('\0') >= 0 || decoded.indexOf('\\') >= 0) {
            return Optional.empty();
        }
        for (String segment : decoded.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.empty();
            }
        }
        Path p = root.resolve(decoded.substring(1)).normalize();
        return p.startsWith(root) ? Optional.of(p) : Optional.empty();
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
