package org.mmproto.conformance.report;

import org.mmproto.conformance.ConformanceReport;
import org.mmproto.conformance.Result;

/** The table {@code mmproto conform} prints: rule, design, outcome, and where a failure showed or why a rule was skipped. */
public final class ResultTable {
    private ResultTable() {
    }

    public static String render(ConformanceReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("conformance of ").append(r.driver()).append(", seed ").append(r.seed()).append('\n');
        sb.append(String.format("%-6s %-17s %-8s %s%n", "rule", "design", "result", "detail"));
        for (Result x : r.results()) {
            sb.append(String.format("%-6s %-17s %-8s %s%n", x.rule().id(), x.design(), x.outcome().label(),
                    x.outcome() == org.mmproto.conformance.Outcome.PASS ? x.rule().title()
                    + (x.detail().isEmpty() ? "" : " (" + x.detail() + ")") : x.where()));
        }
        long fails = r.results().stream().filter(Result::requiredFailure).count();
        sb.append(fails == 0 ? "conforms: no rule failed" : fails + " failure(s): rules " + String.join(", ", r.failedRules()))
                .append('\n');
        return sb.toString();
    }
}
