package dev.duplex.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.cli.bench.RawClient.Payload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The word-at-a-time stamp code against the per-digit reference, on random and edge values. */
class StampsTest {
    private static final long[] EDGES = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789abcdefL,
        0xfedcba9876543210L, 0x00000000ffffffffL, 0xffffffff00000000L, 0x9999999999999999L, 0xaaaaaaaaaaaaaaaaL};

    private static byte[] hexFast(long v) {
        return ByteBuffer.allocate(16).putLong(Stamps.hex(v >>> 32)).putLong(Stamps.hex(v)).array();
    }

    @Test
    void hexMatchesTheReference() {
        for (long v : EDGES) {
            assertThat(hexFast(v)).as(Long.toHexString(v)).isEqualTo(Stamps.hexNaive(v));
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long v = r.nextLong();
            assertThat(hexFast(v)).isEqualTo(Stamps.hexNaive(v));
        }
        assertThat(new String(hexFast(0x0123456789abcdefL), StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdef");
    }

    @Test
    void readTextInvertsHex() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long v = i < EDGES.length ? EDGES[i] : r.nextLong();
            assertThat(Stamps.readText(hexFast(v), 0)).isEqualTo(v);
        }
    }

    @Test
    void readTextMatchesTheReferenceOnAnyBytes() {
        SplittableRandom r = new SplittableRandom(11);
        byte[] alphabet = "0123456789abcdefABCDEFgGzZ/:@`\u007f \0".getBytes(StandardCharsets.ISO_8859_1);
        byte[] b = new byte[16];
        for (int i = 0; i < 300_000; i++) {
            for (int j = 0; j < 16; j++) {
                // mostly hex digits, so that valid and almost-valid stamps are both common
                b[j] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
            }
            if (r.nextInt(3) == 0) {
                System.arraycopy(Stamps.hexNaive(r.nextLong()), 0, b, 0, 16);
                b[r.nextInt(16)] = (byte) r.nextInt(256); // one byte anything
            }
            assertThat(Stamps.readText(b, 0)).as(java.util.Arrays.toString(b)).isEqualTo(Stamps.unhexNaive(b, 0));
        }
        for (int c = 0; c < 256; c++) { // every byte value in every position
            for (int at = 0; at < 16; at++) {
                byte[] s = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
                s[at] = (byte) c;
                assertThat(Stamps.readText(s, 0)).isEqualTo(Stamps.unhexNaive(s, 0));
            }
        }
    }

    @Test
    void stampedTextFrameEqualsTheMaskedReferenceHex() {
        Payload p = new Payload(true, 32);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            long v = i < EDGES.length ? EDGES[i] : r.nextLong();
            ByteBuffer out = ByteBuffer.allocateDirect(64);
            out.put(p.front);
            p.stamp(out, p.headerLen, v);
            byte[] plain = Stamps.hexNaive(v);
            for (int j = 0; j < 16; j++) {
                assertThat(out.get(p.headerLen + j)).isEqualTo((byte) (plain[j] ^ p.maskKey[j & 3]));
            }
            for (int j = 16; j < 32; j++) { // the rest of the payload untouched
                assertThat(out.get(p.headerLen + j)).isEqualTo(p.frame.get(p.headerLen + j));
            }
            // what the server echoes back (unmasked) reads as the stamp
            byte[] echoed = new byte[16];
            for (int j = 0; j < 16; j++) {
                echoed[j] = (byte) (out.get(p.headerLen + j) ^ p.maskKey[j & 3]);
            }
            assertThat(p.readStamp(echoed, 16)).isEqualTo(v);
        }
    }

    @Test
    void stampedBinaryFrameIsTheMaskedBigEndianStamp() {
        Payload p = new Payload(false, 200);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 50_000; i++) {
            long v = i < EDGES.length ? EDGES[i] : r.nextLong();
            ByteBuffer out = ByteBuffer.allocateDirect(256);
            out.put(p.front);
            p.stamp(out, p.headerLen, v);
            byte[] echoed = new byte[8];
            for (int j = 0; j < 8; j++) {
                byte plain = (byte) (v >>> (56 - 8 * j));
                assertThat(out.get(p.headerLen + j)).isEqualTo((byte) (plain ^ p.maskKey[j & 3]));
                echoed[j] = plain;
            }
            assertThat(p.readStamp(echoed, 8)).isEqualTo(v);
        }
    }

    @Test
    void frameTemplatesAreTheWholeFrameOrItsFront() {
        Payload small = new Payload(true, 32);
        assertThat(small.small()).isTrue();
        assertThat(small.front).hasSize(small.frame.remaining());
        Payload large = new Payload(false, 1 << 20);
        assertThat(large.small()).isFalse();
        assertThat(large.front).hasSize(large.headerLen + 8);
        assertThat(large.headerLen).isEqualTo(14);
        for (int j = 0; j < large.front.length; j++) {
            assertThat(large.front[j]).isEqualTo(large.frame.get(j));
        }
    }

    @Test
    void shortHeadsCarryNoStamp() {
        assertThat(new Payload(true, 32).readStamp("0123456789abcde".getBytes(StandardCharsets.US_ASCII), 15)).isEqualTo(-1);
        assertThat(new Payload(false, 32).readStamp(new byte[16], 7)).isEqualTo(-1);
    }
}
