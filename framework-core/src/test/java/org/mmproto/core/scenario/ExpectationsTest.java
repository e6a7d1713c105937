package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.core.scenario.Expectations.Compare;
import org.mmproto.core.scenario.Expectations.Expected;

/** Expected values: comparisons, ranges, results, status entries. */
class ExpectationsTest {
    private static boolean holds(String expected, long actual) {
        return Expectations.parseCompare(expected, false).test(actual);
    }

    @Test
    void comparisons() {
        assertThat(holds("10", 10)).isTrue();
        assertThat(holds("10", 11)).isFalse();
        assertThat(holds("== 10", 10)).isTrue();
        assertThat(holds(">= 10", 10)).isTrue();
        assertThat(holds(">= 10", 9)).isFalse();
        assertThat(holds("> 10", 10)).isFalse();
        assertThat(holds("<5", 4)).isTrue();
        assertThat(holds("<= 5", 6)).isFalse();
        assertThat(holds("!= 0", 0)).isFalse();
        assertThat(holds("!= 0", -3)).isTrue();
        assertThat(holds("10..20", 15)).isTrue();
        assertThat(holds("10..20", 21)).isFalse();
        assertThat(holds("-5..-1", -3)).isTrue();
        assertThat(holds("0x10", 16)).isTrue();
        assertThat(holds("-EFAULT", -14)).isTrue();
        assertThat(Expectations.parseCompare("1_000", false).value()).isEqualTo(1000);
        assertThat(Expectations.parseCompare(">= 10", false).describe()).isEqualTo(">= 10");
        assertThat(Expectations.parseCompare("3", false).describe()).isEqualTo("3");
    }

    @Test
    void sizes_count_pages_for_page_values() {
        Compare c = Expectations.parseCompare(">= 4MiB", true);
        assertThat(c.op()).isEqualTo(">=");
        assertThat(c.value()).isEqualTo(1024);
        assertThat(Expectations.parseCompare("2MiB..4MiB", true)).isEqualTo(new Compare("..", 512, 1024));
        assertThatThrownBy(() -> Expectations.parseCompare("6KiB", true)).hasMessageContaining("4KiB pages");
    }

    @Test
    void malformed_comparisons_say_what_is_expected() {
        for (String bad : List.of("about 3", ">=", "5..1", "=> 3", "ten")) {
            assertThatThrownBy(() -> Expectations.parseCompare(bad, false)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Expectations.parseCompare("ten", false)).hasMessageContaining("expected a number");
    }

    @Test
    void results() {
        assertThat(Expectations.parseResult("ok").test(0L)).isTrue();
        assertThat(Expectations.parseResult("ok").test(0x7f0000000000L)).isTrue();
        assertThat(Expectations.parseResult("ok").test(-22L)).isFalse();
        assertThat(Expectations.parseResult("ok").test(null)).isFalse();
        assertThat(Expectations.parseResult("EINVAL").test(-22L)).isTrue();
        assertThat(Expectations.parseResult("-EINVAL").test(-22L)).isTrue();
        assertThat(Expectations.parseResult("EINVAL").test(-14L)).isFalse();
        assertThat(Expectations.parseResult("error").test(-14L)).isTrue();
        assertThat(Expectations.parseResult("error").test(3L)).isFalse();
        assertThat(Expectations.parseResult("any").test(null)).isTrue();
        assertThat(Expectations.parseResult("3").test(3L)).isTrue();
        assertThat(Expectations.parseResult(">= 1").test(0L)).isFalse();
        assertThatThrownBy(() -> Expectations.parseResult("EINVALL")).hasMessageContaining("did you mean 'EINVAL'?");
        assertThatThrownBy(() -> Expectations.parseResult("okk")).hasMessageContaining("did you mean 'ok'?");
    }

    @Test
    void status_lists_compare_entry_by_entry() {
        Expected e = new Expectations.ListOf(List.of(Expectations.parseEntry("0"), Expectations.parseEntry("-EFAULT"),
                Expectations.parseEntry("EACCES"), Expectations.parseEntry("unwritten"), Expectations.parseEntry(">= 1")));
        assertThat(e.test(Arrays.asList(0L, -14L, -13L, null, 2L))).isTrue();
        assertThat(e.test(Arrays.asList(0L, -14L, -13L, 1L, 2L))).isFalse();
        assertThat(e.test(Arrays.asList(0L, -14L, -13L, null))).isFalse();
        assertThat(e.describe()).isEqualTo("[0, -EFAULT, -EACCES, unwritten, >= 1]");
        assertThat(Expectations.describeActual(new Expectations.Field("status"), Arrays.asList(1L, -2L, null)))
                .isEqualTo("[1, -ENOENT, unwritten]");
        assertThat(Expectations.describeActual(new Expectations.Result(), -(long) Errno.EPERM.code())).isEqualTo("EPERM");
        assertThat(Expectations.describeActual(new Expectations.Result(), 0L)).isEqualTo("ok");
    }
}
