package org.mmproto.core.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole {@code compare} run as the report files show it: the designs in comparison order,
 * each scenario's comparison and charts, the summary table and the closing verdict. Built once
 * by {@link #of}; {@link SuiteText}, {@link SuiteMarkdown}, {@link SuiteJson} and
 * {@link HtmlReport} render it.
 *
 * @param target what was compared (the directory or file named on the command line)
 */
public record SuiteReport(String target, List<String> designs, List<Comparison> comparisons, SuiteSummary summary,
                          List<List<Chart>> charts, List<String> notRun) {
    public SuiteReport {
        designs = List.copyOf(designs);
        comparisons = List.copyOf(comparisons);
        List<List<Chart>> copy = new ArrayList<>();
        charts.forEach(c -> copy.add(List.copyOf(c)));
        charts = List.copyOf(copy);
        notRun = List.copyOf(notRun);
    }

    /** The comparisons of {@code target}, in order; {@code notRun}: files refused as bad input. */
    public static SuiteReport of(String target, List<String> designs, List<Comparison> comparisons, List<String> notRun) {
        List<List<Chart>> charts = comparisons.stream().map(ScenarioCharts::of).toList();
        return new SuiteReport(target, designs, comparisons, SuiteSummary.of(designs, comparisons), charts, notRun);
    }

    /** Every scenario held its expectations under every design. */
    public boolean passed() {
        return notRun.isEmpty() && comparisons.stream().allMatch(Comparison::passed);
    }

    /** The closing line: {@code PASS|FAIL: N of M scenarios held their expectations under D designs}. */
    public String verdict() {
        long held = comparisons.stream().filter(Comparison::passed).count();
        String v = (passed() ? "PASS" : "FAIL") + ": " + held + " of " + comparisons.size() + " scenario"
                + (comparisons.size() == 1 ? "" : "s") + " held their expectations under " + designs.size() + " design"
                + (designs.size() == 1 ? "" : "s");
        return notRun.isEmpty() ? v : v + "; " + notRun.size() + " not run (bad file)";
    }

    /** The number of charts over every scenario. */
    public int chartCount() {
        return charts.stream().mapToInt(List::size).sum();
    }
}
