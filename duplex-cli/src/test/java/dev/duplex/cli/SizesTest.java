package dev.duplex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.TypeConversionException;

@Timeout(10)
class SizesTest {

    @Test
    void parsesBytesAndUnits() {
        assertThat(Sizes.parse("1000")).isEqualTo(1000);
        assertThat(Sizes.parse("1")).isEqualTo(1);
        assertThat(Sizes.parse("512KiB")).isEqualTo(512 * 1024);
        assertThat(Sizes.parse("16MiB")).isEqualTo(16L << 20);
        assertThat(Sizes.parse("16mib")).isEqualTo(16L << 20);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("64k")).isEqualTo(64 * 1024);
        assertThat(Sizes.parse("2M")).isEqualTo(2L << 20);
        assertThat(Sizes.parse("10 kB")).isEqualTo(10_000);
        assertThat(Sizes.parse("3MB")).isEqualTo(3_000_000);
        assertThat(Sizes.parse("1GB")).isEqualTo(1_000_000_000);
        assertThat(Sizes.parse("100B")).isEqualTo(100);
    }

    @Test
    void refusesWhatIsNotASize() {
        assertThatThrownBy(() -> Sizes.parse("")).isInstanceOf(TypeConversionException.class).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("-1")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("1.5MiB")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("12XB")).hasMessageContaining("unknown unit 'XB'");
        assertThatThrownBy(() -> Sizes.parse("0")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Sizes.parse("2GiB")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Sizes.parse("99999999999999999999")).hasMessageContaining("not a size");
        assertThatThrownBy(() -> Sizes.parse("9999999999999999999GiB")).hasMessageContaining("out of range");
    }

    @Test
    void formatsForPeople() {
        assertThat(Sizes.format(16L << 20)).isEqualTo("16 MiB");
        assertThat(Sizes.format(512 * 1024)).isEqualTo("512 KiB");
        assertThat(Sizes.format(1000)).isEqualTo("1000 bytes");
        assertThat(Sizes.format(1L << 30)).isEqualTo("1 GiB");
    }

    @Test
    void parsesWaits() {
        assertThat(Waits.parse("1")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Waits.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Waits.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Waits.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Waits.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Waits.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Waits.parse("forever")).isNull();
        assertThatThrownBy(() -> Waits.parse("soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Waits.parse("-1s")).hasMessageContaining("not a duration");
    }
}
