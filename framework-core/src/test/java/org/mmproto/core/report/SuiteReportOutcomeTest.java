package org.mmproto.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What marks a cell as differing, poison as a cell field, and the held-everything counts. */
class SuiteReportOutcomeTest {
    private static Map<String, Long> breaches(long leaks) {
        Map<String, Long> b = new LinkedHashMap<>();
        b.put("leak", leaks);
        b.put("escape", 0L);
        b.put("unsafe write", 0L);
        b.put("unnotified free", 0L);
        return b;
    }

    private static SuiteSummary.Cell cell(long leaks, long failed, long hooks, List<String> sites,
                                          Map<String, Long> stats, int observed, int held) {
        return new SuiteSummary.Cell(breaches(leaks), 0, failed, 1, 2, hooks, sites, stats, 0, Set.of(), observed,
                held);
    }

    @Test
    void designs_that_behave_alike_but_touch_sites_and_call_hooks_are_not_marked() {
        SuiteSummary.Cell unpatched = cell(0, 0, 0, List.of(), Map.of(), 0, 0);
        SuiteSummary.Cell patched = cell(0, 0, 14, List.of("page_handout", "free", "migrate"), Map.of(), 0, 0);
        assertThat(unpatched.text()).isNotEqualTo(patched.text()); // the texts differ in h and s ...
        List<SuiteSummary.Cell> cells = List.of(unpatched, patched);
        assertThat(SuiteSummary.differ(cells)).isFalse(); // ... the outcome does not
        SuiteSummary.Row row = new SuiteSummary.Row("same", "same.yaml", "", true, cells, SuiteSummary.differ(cells));
        assertThat(row.differsFromFirst(1)).isFalse();
    }

    @Test
    void different_breaches_poison_or_expectations_are_marked() {
        SuiteSummary.Cell base = cell(0, 0, 0, List.of(), Map.of("n2.poison_pages", 0L), 0, 0);
        List<SuiteSummary.Cell> breach = List.of(base, cell(3, 0, 5, List.of("free"), Map.of("n2.poison_pages", 0L), 0, 0));
        List<SuiteSummary.Cell> poison = List.of(base, cell(0, 0, 5, List.of("free"), Map.of("n2.poison_pages", 7L), 0, 0));
        List<SuiteSummary.Cell> failed = List.of(base, cell(0, 1, 0, List.of(), Map.of("n2.poison_pages", 0L), 0, 0));
        for (List<SuiteSummary.Cell> cells : List.of(breach, poison, failed)) {
            assertThat(SuiteSummary.differ(cells)).isTrue();
            assertThat(new SuiteSummary.Row("x", "x.yaml", "", true, cells, true).differsFromFirst(1)).isTrue();
        }
    }

    @Test
    void poison_is_the_sum_of_the_drivers_poison_statistics_and_a_cell_field() {
        SuiteSummary.Cell c = cell(0, 0, 4, List.of("free"),
                Map.of("n2.poison_pages", 5L, "n3.poison", 2L, "n2.vetoes_seen", 9L), 0, 0);
        assertThat(c.poison()).isEqualTo(7);
        assertThat(c.compactText()).isEqualTo("ok 1/2/7/4/1");
    }

    @Test
    void held_everything_counts_scenarios_whose_expectations_and_observations_all_held() {
        SuiteSummary.Cell good = cell(0, 0, 0, List.of(), Map.of(), 2, 2);
        SuiteSummary.Cell obsMissed = cell(0, 0, 0, List.of(), Map.of(), 2, 1);
        SuiteSummary.Cell failed = cell(0, 1, 0, List.of(), Map.of(), 0, 0);
        SuiteSummary s = new SuiteSummary(List.of("a", "b"), List.of(
                new SuiteSummary.Row("s1", "s1.yaml", "", true, List.of(good, obsMissed), true),
                new SuiteSummary.Row("s2", "s2.yaml", "", false, List.of(good, failed), true)));
        assertThat(s.heldEverything()).containsExactly(2, 0);
        assertThat(s.heldEverythingLine()).isEqualTo("held everything (expectations and observations): a 2/2, b 0/2");
    }
}
