package org.mmproto.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SizesTest {

    @ParameterizedTest
    @CsvSource({
            "16GiB, 17179869184",
            "512MiB, 536870912",
            "4KiB, 4096",
            "1TiB, 1099511627776",
            "16G, 17179869184",
            "512M, 536870912",
            "4K, 4096",
            "1T, 1099511627776",
            "4096, 4096",
            "4096B, 4096",
            "1_048_576, 1048576",
            "0, 0",
            "16g, 17179869184",
            "16gib, 17179869184",
            "'16 GiB', 17179869184",
            "2PiB, 2251799813685248",
            "0x480000000, 19327352832",
            "0X1000, 4096",
            "0x1_0000, 65536",
            "010, 10",
            "7EiB, 8070450532247928832",
    })
    void parsesBinarySizes(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({"16GB, 16GiB", "512MB, 512MiB", "4kB, 4KiB", "1TB, 1TiB", "16gb, 16GiB"})
    void rejectsDecimalUnitsWithABinaryHint(String text, String hint) {
        assertThatThrownBy(() -> Sizes.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("did you mean " + hint + "?")
                .hasMessageContaining("decimal units are ambiguous");
    }

    @Test
    void rejectsNegativeSizes() {
        assertThatThrownBy(() -> Sizes.parse("-4KiB")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Sizes.parse("-1")).hasMessageContaining("negative");
    }

    @ParameterizedTest
    @ValueSource(strings = {"8EiB", "9223372036854775808", "99999999999999999999G",
            "0x8000000000000000", "8192PiB"})
    void rejectsSizesAbove2To63(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).hasMessageContaining("too large");
    }

    @Test
    void acceptsTheLargestLong() {
        assertThat(Sizes.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void rejectsFractionsSuggestingAnExactForm() {
        assertThatThrownBy(() -> Sizes.parse("1.5GiB"))
                .hasMessageContaining("fractions are not accepted; write 1536MiB");
        assertThatThrownBy(() -> Sizes.parse("1.3")).hasMessageContaining("not a whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "GiB", "16XiB", "16 GiBs", "sixteen", "1__0", "_1", "1_",
            "16Gi", "0x", "0xZZ", "1e9"})
    void rejectsTextThatIsNotASizeNamingTheExpectedForm(String text) {
        assertThatThrownBy(() -> Sizes.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a size such as");
    }

    @ParameterizedTest
    @CsvSource({
            "17179869184, 16GiB",
            "1610612736, 1536MiB",
            "4096, 4KiB",
            "1099511627776, 1TiB",
            "4095, 4095B",
            "0, 0B",
            "6144, 6KiB",
            "1152921504606846976, 1EiB",
    })
    void formatsAsTheShortestExactBinaryForm(long bytes, String text) {
        assertThat(Sizes.format(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 4095, 4096, 12345678, 1L << 40, 3L << 29, Long.MAX_VALUE})
    void formatReadsBackToTheSameValue(long bytes) {
        assertThat(Sizes.parse(Sizes.format(bytes))).isEqualTo(bytes);
    }

    @Test
    void formatsNegativeValuesWithASign() {
        assertThat(Sizes.format(-4096)).isEqualTo("-4KiB");
        assertThat(Sizes.format(Long.MIN_VALUE)).isEqualTo("-8EiB");
    }
}
