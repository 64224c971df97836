package dev.duplex.protocol.handshake;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The {@code Sec-WebSocket-Key} / {@code Sec-WebSocket-Accept} pair (RFC 6455 §4.1, §4.2.2):
 * the client sends a random nonce, the server proves it read the handshake by hashing it.
 */
public final class HandshakeKeys {
    /** The GUID RFC 6455 appends to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private static final int KEY_BYTES = 16;

    private HandshakeKeys() {}

    /** A fresh key: 16 random bytes, base64-encoded (24 characters). */
    public static String newKey(SecureRandom random) {
        byte[] nonce = new byte[KEY_BYTES];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** Whether {@code key} is the base64 encoding of exactly 16 bytes, as §4.1 requires. */
    public static boolean isValidKey(String key) {
        // 16 bytes always encode to 22 characters and "==".
        if (key == null || key.length() != 24 || !key.endsWith("==")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    /** {@code base64(SHA-1(key + GUID))}: the {@code Sec-WebSocket-Accept} value for {@code key}. */
    public static String acceptFor(String key) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
        byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }
}
