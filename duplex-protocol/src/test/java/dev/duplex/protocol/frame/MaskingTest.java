package dev.duplex.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** RFC 6455 §5.3: the word-at-a-time masking must equal the byte-at-a-time definition. */
class MaskingTest {

    @Test
    void masksTheRfcHelloExample() {
        // §5.7: "Hello" masked with 37 fa 21 3d is 7f 9f 4d 51 58.
        ByteBuffer b = ByteBuffer.wrap("Hello".getBytes());
        Masking.maskInPlace(b, 0x37fa213d, 0);
        assertThat(b.array()).containsExactly(0x7f, 0x9f, 0x4d, 0x51, 0x58);
    }

    @Property
    void heapMaskingEqualsNaive(@ForAll @Size(max = 300) byte[] data, @ForAll int key,
                                @ForAll @IntRange(max = 7) int offset) {
        byte[] expected = data.clone();
        Masking.maskNaive(expected, 0, expected.length, key, offset);
        ByteBuffer b = ByteBuffer.wrap(data.clone());
        Masking.maskInPlace(b, key, offset);
        assertThat(b.array()).containsExactly(expected);
        assertThat(b.position()).isZero();
    }

    @Property
    void directMaskingEqualsNaiveInEitherByteOrder(@ForAll @Size(max = 300) byte[] data, @ForAll int key,
                                                   @ForAll @IntRange(max = 7) int offset,
                                                   @ForAll boolean littleEndian,
                                                   @ForAll @IntRange(max = 9) int start) {
        byte[] expected = data.clone();
        Masking.maskNaive(expected, 0, expected.length, key, offset);
        ByteBuffer b = ByteBuffer.allocateDirect(start + data.length)
                .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.position(start);
        b.put(data).position(start);
        Masking.maskInPlace(b, key, offset);
        byte[] actual = new byte[data.length];
        b.duplicate().get(actual);
        assertThat(actual).containsExactly(expected);
    }

    @Property
    void unmaskingTellsWhetherEveryPlainByteIsAscii(@ForAll @Size(max = 300) byte[] data, @ForAll int key,
                                                     @ForAll @IntRange(max = 7) int offset,
                                                     @ForAll @IntRange(min = -1, max = 299) int highAt,
                                                     @ForAll boolean direct, @ForAll boolean littleEndian,
                                                     @ForAll @IntRange(max = 9) int start) {
        byte[] plain = data.clone();
        for (int i = 0; i < plain.length; i++) {
            plain[i] &= 0x7F;
        }
        boolean ascii = highAt < 0 || highAt >= plain.length;
        if (!ascii) {
            plain[highAt] |= (byte) 0x80;
        }
        byte[] masked = plain.clone();
        Masking.maskNaive(masked, 0, masked.length, key, offset);
        ByteBuffer b = (direct ? ByteBuffer.allocateDirect(start + masked.length) : ByteBuffer.allocate(start + masked.length))
                .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.position(start);
        b.put(masked).position(start);
        assertThat(Masking.maskInPlaceIsAscii(b, key, offset)).isEqualTo(ascii);
        assertThat(b.position()).isEqualTo(start);
        byte[] actual = new byte[plain.length];
        b.duplicate().get(actual);
        assertThat(actual).containsExactly(plain);
    }

    @Property
    void arrayMaskingOfASubrangeEqualsNaive(@ForAll @Size(max = 300) byte[] data, @ForAll int key,
                                            @ForAll long offset, @ForAll @IntRange(max = 300) int a,
                                            @ForAll @IntRange(max = 300) int b) {
        int from = Math.min(a, b) % (data.length + 1);
        int to = Math.max(from, Math.max(a, b) % (data.length + 1));
        long off = offset & Long.MAX_VALUE;
        byte[] expected = data.clone();
        Masking.maskNaive(expected, from, to, key, off);
        byte[] actual = data.clone();
        Masking.maskArray(actual, from, to, key, off);
        assertThat(actual).containsExactly(expected); // bytes outside the range untouched too
    }

    @Test
    void arrayMaskingRejectsARangeOutsideTheArray() {
        assertThatThrownBy(() -> Masking.maskArray(new byte[4], 2, 5, 1, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Property
    void maskingInChunksWithARunningOffsetEqualsMaskingWhole(@ForAll @Size(min = 1, max = 200) byte[] data,
                                                            @ForAll int key,
                                                            @ForAll @Size(max = 6) int[] cuts) {
        byte[] expected = data.clone();
        Masking.maskNaive(expected, 0, expected.length, key, 0);
        int[] points = Arrays.stream(cuts).map(c -> Math.floorMod(c, data.length + 1)).sorted().toArray();
        byte[] actual = data.clone();
        int from = 0;
        for (int to : points) {
            Masking.maskInPlace(ByteBuffer.wrap(actual, from, to - from).slice(), key, from);
            from = to;
        }
        Masking.maskInPlace(ByteBuffer.wrap(actual, from, data.length - from).slice(), key, from);
        assertThat(actual).containsExactly(expected);
    }

    @Property
    void maskingTwiceIsTheIdentity(@ForAll @Size(max = 200) byte[] data, @ForAll int key, @ForAll @IntRange(max = 3) int offset) {
        ByteBuffer b = ByteBuffer.wrap(data.clone());
        Masking.maskInPlace(b, key, offset);
        Masking.maskInPlace(b, key, offset);
        assertThat(b.array()).containsExactly(data);
    }

    @Property
    void maskCopyLeavesTheSourceAloneAndAdvancesBoth(@ForAll @Size(max = 100) byte[] data, @ForAll int key) {
        byte[] expected = data.clone();
        Masking.maskNaive(expected, 0, expected.length, key, 0);
        ByteBuffer src = ByteBuffer.wrap(data.clone());
        ByteBuffer dst = ByteBuffer.allocateDirect(data.length + 3);
        Masking.maskCopy(src, dst, key, 0);
        assertThat(src.hasRemaining()).isFalse();
        assertThat(src.array()).containsExactly(data);
        assertThat(dst.position()).isEqualTo(data.length);
        byte[] actual = new byte[data.length];
        dst.flip().get(actual);
        assertThat(actual).containsExactly(expected);
    }
}
