package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The validator accepts exactly what a strict UTF-8 decoder accepts, however the bytes are split. */
class Utf8ValidatorTest {

    static boolean strictDecoderAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<byte[]> utf8ish() {
        // Random bytes rarely form multi-byte sequences; bias towards lead and continuation bytes.
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 0x41, (byte) 0x7F, (byte) 0x80, (byte) 0x8F, (byte) 0x90,
                (byte) 0x9F, (byte) 0xA0, (byte) 0xBF, (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF, (byte) 0xE0,
                (byte) 0xE1, (byte) 0xEC, (byte) 0xED, (byte) 0xEE, (byte) 0xEF, (byte) 0xF0, (byte) 0xF1, (byte) 0xF3,
                (byte) 0xF4, (byte) 0xF5, (byte) 0xFF);
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, any))
                .array(byte[].class).ofMaxSize(40);
    }

    @Property(tries = 3000)
    void agreesWithAStrictDecoder(@ForAll("utf8ish") byte[] b) {
        Utf8Validator v = new Utf8Validator();
        boolean ok = v.feed(b, 0, b.length) && v.isComplete();
        assertThat(ok).isEqualTo(strictDecoderAccepts(b));
        assertThat(Utf8Validator.isValid(b)).isEqualTo(ok);
    }

    @Property(tries = 2000)
    void agreesWithAStrictDecoderAtAnySplitPoints(@ForAll("utf8ish") byte[] b, @ForAll @Size(max = 5) int[] cuts) {
        int[] points = java.util.Arrays.stream(cuts).map(c -> Math.floorMod(c, b.length + 1)).sorted().toArray();
        Utf8Validator v = new Utf8Validator();
        boolean ok = true;
        int from = 0;
        for (int to : points) {
            ok &= v.feed(ByteBuffer.wrap(b, from, to - from));
            from = to;
        }
        ok &= v.feed(ByteBuffer.wrap(b, from, b.length - from));
        assertThat(ok && v.isComplete()).isEqualTo(strictDecoderAccepts(b));
    }

    @Property(tries = 2000)
    void directBuffersAgreeWithHeapArraysAtAnySplitPoints(@ForAll("utf8ish") byte[] b, @ForAll @Size(max = 5) int[] cuts,
                                                          @ForAll boolean littleEndian) {
        int[] points = java.util.Arrays.stream(cuts).map(c -> Math.floorMod(c, b.length + 1)).sorted().toArray();
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length + 3)
                .order(littleEndian ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        direct.position(3);
        direct.put(b);
        Utf8Validator v = new Utf8Validator();
        boolean ok = true;
        int from = 0;
        for (int to : points) {
            ok &= v.feed(direct.duplicate().order(direct.order()).limit(3 + to).position(3 + from));
            from = to;
        }
        ok &= v.feed(direct.duplicate().order(direct.order()).limit(3 + b.length).position(3 + from));
        assertThat(ok && v.isComplete()).isEqualTo(strictDecoderAccepts(b));
    }

    @Property
    void longAsciiRunsInDirectBuffersAreValid(@ForAll @Size(max = 300) String ascii) {
        byte[] b = ascii.replaceAll("[^\\x00-\\x7f]", "a").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(direct) && v.isComplete()).isTrue();
        assertThat(direct.position()).isZero();
    }

    @Property
    void acceptsAnyEncodedString(@ForAll String s) {
        // Java strings may hold lone surrogates, which the encoder replaces: still valid UTF-8.
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8Validator.isValid(b)).isTrue();
    }

    @Property
    void rejectsAtTheFirstInvalidByte(@ForAll @Size(max = 30) String prefix) {
        byte[] good = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] b = java.util.Arrays.copyOf(good, good.length + 1);
        b[good.length] = (byte) 0xFF;
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(good, 0, good.length)).isTrue();
        assertThat(v.feed(b, good.length, b.length)).isFalse();
        assertThat(v.isRejected()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "c0af",         // overlong '/'
        "e080af",       // overlong '/' in three bytes
        "f08080af",     // overlong '/' in four bytes
        "eda080",       // U+D800, a surrogate
        "edbfbf",       // U+DFFF, a surrogate
        "f4908080",     // U+110000, above the last code point
        "f5808080",     // a lead byte that never appears
        "80",           // a lone continuation byte
        "cebae1bdb9cf83cebcceb5eda080656469746564", // kosme, then a surrogate (Autobahn 6.x)
    })
    void rejectsInvalidSequences(String hex) {
        assertThat(Utf8Validator.isValid(Hex.bytes(hex))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "cebae1bdb9cf83cebcceb5", // "κόσμε"
        "f0908080",               // U+10000
        "f48fbfbf",               // U+10FFFF
        "efbfbf",                 // U+FFFF
        "ed9fbf",                 // U+D7FF, just below the surrogates
        "ee8080",                 // U+E000, just above them
    })
    void acceptsBoundaryCodePoints(String hex) {
        assertThat(Utf8Validator.isValid(Hex.bytes(hex))).isTrue();
    }

    @Property
    void truncateNeverSplitsACodePointAndFits(@ForAll String s, @ForAll @net.jqwik.api.constraints.IntRange(max = 130) int max) {
        String t = Utf8Validator.truncate(s.replaceAll("[\\uD800-\\uDFFF]", "x"), max);
        byte[] b = t.getBytes(StandardCharsets.UTF_8);
        assertThat(b.length).isLessThanOrEqualTo(max);
        assertThat(Utf8Validator.isValid(b)).isTrue();
    }
}
