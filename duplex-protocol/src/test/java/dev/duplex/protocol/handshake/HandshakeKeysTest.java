package dev.duplex.protocol.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 §1.3 and §4.1: the key and its accept value. */
class HandshakeKeysTest {

    @Test
    void computesTheAcceptValueOfRfc6455Section1_3() {
        assertThat(HandshakeKeys.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void makesAKeyOfSixteenRandomBytes() {
        String key = HandshakeKeys.newKey(FixedRandom.counting());

        assertThat(key).isEqualTo("AAECAwQFBgcICQoLDA0ODw==");
        assertThat(HandshakeKeys.isValidKey(key)).isTrue();
    }

    @Test
    void makesDifferentKeysFromARealRandom() {
        SecureRandom random = new SecureRandom();

        assertThat(HandshakeKeys.newKey(random)).isNotEqualTo(HandshakeKeys.newKey(random));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ===",
        "dGhlIHNhbXBsZSBub25jZQ==AA==", "dGhlIHNhbXBsZSBub25j!Q==", "dGhlIHNhbXBsZSBub25jZSE=", "AAAAAAAAAAAAAAAAAAAAAAAA",
        "dGhlIHNhbXBsZSBub25 ZQ=="})
    void refusesKeysThatAreNotBase64OfSixteenBytes(String key) {
        assertThat(HandshakeKeys.isValidKey(key)).isFalse();
    }
}
