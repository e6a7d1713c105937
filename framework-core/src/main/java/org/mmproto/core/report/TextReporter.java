package org.mmproto.core.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mmproto.core.scenario.PrivacyReport;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunReport.ExpectationResult;
import org.mmproto.core.scenario.RunReport.InvariantViolation;
import org.mmproto.core.scenario.RunReport.NodeUsage;
import org.mmproto.core.scenario.RunReport.StepResult;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioRunner;
import org.mmproto.core.scenario.Step;

/**
 * The human-readable reports ({@code --format text}, the default). A run: a header, one line per
 * step (the call as C would show it, its result, and whether its expectation held) printed as it
 * finishes, then the counters that changed, per-node usage, each failed expectation as
 * {@code file:line: detail}, the invariant violations and a PASS/FAIL line. A comparison: the
 * same sections as the Markdown one, as aligned terminal tables.
 */
public final class TextReporter implements Reporter {
    @Override
    public String format() {
        return "text";
    }

    @Override
    public RunOutput openRun(Scenario s, boolean onlyFailingSteps, PrintStream out) {
        int opWidth = opWidth(s);
        out.print(header(s));
        if (onlyFailingSteps) {
            out.println("# " + s.steps().size() + " steps: printing only those whose expectation failed"
                    + " (--verbose prints all)");
        }
        out.print(stepHeader(opWidth));
        return new RunOutput() {
            @Override
            public void step(StepResult step, List<ExpectationResult> expectations) {
                boolean failed = expectations.stream().anyMatch(e -> !e.passed());
                if (!onlyFailingSteps || failed) {
                    out.print(stepLine(step, expectations, opWidth));
                }
            }

            @Override
            public void end(RunReport report) {
                out.print(footer(report));
            }
        };
    }

    @Override
    public ComparisonOutput openComparisons(int scenarios, PrintStream out) {
        // several scenarios: a blank line after each
        return c -> out.print(comparison(c) + (scenarios > 1 ? "\n" : ""));
    }

    public static String header(Scenario s) {
        StringBuilder sb = new StringBuilder();
        sb.append("# scenario ").append(s.name());
        if (!s.description().isEmpty()) {
            sb.append(": ").append(firstLine(s.description()));
        }
        sb.append('\n');
        sb.append("# ").append(s.source()).append(", machine ").append(s.machine().name()).append(" (")
                .append(s.machine().nodeCount()).append(" nodes), seed ").append(s.seed()).append(", thp ")
                .append(ScenarioRunner.effectiveThp(s).name().toLowerCase(Locale.ROOT)).append('\n');
        return sb.toString();
    }

    /** The column header of the step lines. */
    public static String stepHeader(int opWidth) {
        return String.format("%5s  %-" + opWidth + "s  %-6s %-11s %-6s %s%n", "line", "op", "task", "result", "expect",
                "what happened");
    }

    /** The widest op name of the scenario, for aligned step lines. */
    public static int opWidth(Scenario s) {
        int w = 6;
        for (Step st : s.steps()) {
            w = Math.max(w, st.op().length());
        }
        return w;
    }

    /** One step: its line, then (indented) any shown text and each failed expectation. */
    public static String stepLine(StepResult r, List<ExpectationResult> ex, int opWidth) {
        StringBuilder sb = new StringBuilder();
        boolean explicitAny = ex.stream().anyMatch(e -> !e.implicit());
        boolean failed = ex.stream().anyMatch(e -> !e.passed());
        String expect = failed ? "FAIL" : explicitAny ? "pass" : "";
        String label = r.label() != null ? "[" + r.label() + "] " : "";
        sb.append(String.format("%5d  %-" + opWidth + "s  %-6s %-11s %-6s %s%s%n", r.line(), r.op(),
                r.task() == null ? "-" : r.task(), r.result(), expect, label, r.summary()));
        Object text = r.fields().get("text");
        if (text instanceof String t) {
            for (String l : t.split("\n")) {
                sb.append("         | ").append(l).append('\n');
            }
        }
        for (ExpectationResult e : ex) {
            if (!e.passed()) {
                sb.append("         FAIL ").append(e.detail()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Counters that changed, node usage, failed expectations with file:line, invariants, verdict. */
    public static String footer(RunReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n# vmstat changes during the run (value at the end in parentheses)\n");
        int w = 0;
        for (Map.Entry<String, Long> e : r.vmstatDelta().entrySet()) {
            if (e.getValue() != 0) {
                w = Math.max(w, e.getKey().length());
            }
        }
        boolean anyChange = false;
        for (Map.Entry<String, Long> e : r.vmstatDelta().entrySet()) {
            if (e.getValue() != 0) {
                anyChange = true;
                sb.append(String.format("%-" + w + "s %+d (%d)%n", e.getKey(), e.getValue(), r.vmstat().get(e.getKey())));
            }
        }
        if (!anyChange) {
            sb.append("(no counter changed)\n");
        }
        sb.append("\n# nodes (4KiB pages; used = in folios; used change = since the run began)\n");
        sb.append(String.format("%4s %11s %11s %7s %11s %11s  %s%n", "node", "total", "free", "pcp", "used",
                "used change", "cpus"));
        for (NodeUsage n : r.nodes()) {
            sb.append(String.format("%4d %11d %11d %7d %11d %+11d  %s%s%n", n.nid(), n.totalPages(), n.freePages(),
                    n.pcpPages(), n.usedPages(), n.usedPagesDelta(), n.cpus().isEmpty() ? "-" : n.cpus(),
                    n.isPrivate() ? " (private)" : !n.hasMemory() && n.cpus().isEmpty() ? " (not online)"
                    : !n.hasMemory() ? " (no memory)" : ""));
        }
        long failed = r.failedExpectations();
        long explicit = r.expectations().stream().filter(e -> !e.implicit()).count();
        sb.append("\n# expectations: ").append(explicit).append(" compared, ").append(failed).append(" failed\n");
        for (ExpectationResult e : r.expectations()) {
            if (!e.passed()) {
                sb.append(r.source()).append(':').append(e.line()).append(": ").append(e.detail()).append('\n');
            }
        }
        if (r.invariants().isEmpty()) {
            sb.append("# invariants: hold\n");
        } else {
            sb.append("# invariants: ").append(r.invariants().size()).append(" violations\n");
            for (InvariantViolation v : r.invariants()) {
                sb.append(v.line() > 0 ? r.source() + ":" + v.line() + ": " : "end of run: ").append(v.kind());
                if (v.pfn() >= 0) {
                    sb.append(" at pfn 0x").append(Long.toHexString(v.pfn()));
                }
                sb.append(": ").append(v.detail()).append('\n');
            }
        }
        privacy(sb, r);
        for (RunReport.DriverReport d : r.drivers()) {
            sb.append("# driver ").append(d.plugin()).append('@').append(d.nid()).append(": pressure ").append(d.pressure())
                    .append(", capacity_pages ").append(d.capacityPages()).append(", promotion_requests ")
                    .append(d.promotionRequests()).append(" (dropped ").append(d.promotionDropped())
                    .append(", stale ").append(d.promotionStale()).append(')');
            d.stats().forEach((k, v) -> sb.append(", ").append(k).append(' ').append(v));
            sb.append('\n');
        }
        sb.append(r.passed() ? "PASS" : "FAIL").append(" ").append(r.scenario()).append(" (seed ").append(r.seed())
                .append(", design ").append(r.privacy().design()).append(")");
        int breaches = r.privacy().breaches().size();
        if (breaches > 0) {
            // breaches are part of the verdict: say whether the scenario expected them
            int unexpected = r.privacy().unexpected().size();
            sb.append(": ").append(breaches).append(" privacy breach").append(breaches == 1 ? "" : "es").append(", ")
                    .append(unexpected == 0 ? "all expected by the scenario" : unexpected + " not expected");
        }
        sb.append('\n');
        return sb.toString();
    }

    /** The design's private-node outcome: breaches, then where it consulted drivers. */
    private static void privacy(StringBuilder sb, RunReport r) {
        PrivacyReport p = r.privacy();
        if (p.breaches().isEmpty()) {
            sb.append("# private nodes (").append(p.design()).append("): no leak, escape, unsafe write or unnotified free\n");
        } else {
            sb.append("# private nodes (").append(p.design()).append("): ").append(p.breaches().size()).append(" breaches, ")
                    .append(p.unexpected().size()).append(" not expected by the scenario\n");
            for (PrivacyReport.Breach b : p.breaches()) {
                sb.append(b.expected() ? "" : "FAIL ").append(r.source()).append(':').append(b.line()).append(": ")
                        .append(b.kind()).append(b.expected() ? " (expected)" : " (unexpected)").append(" on node ")
                        .append(b.nid()).append(String.format(" pfn 0x%x: ", b.pfn())).append(b.detail()).append('\n');
            }
        }
        if (!p.sites().isEmpty()) {
            sb.append("# dispatcher: site, decisions, allowed/denied, departures from unpatched; driver hooks called\n");
            p.sites().forEach((site, c) -> {
                sb.append(String.format("  %-15s %6d %6d/%-6d %6d", site, c.consulted(), c.allowed(), c.denied(), c.departed()));
                c.hooks().forEach((h, hc) -> sb.append(String.format("  %s=%d", h, hc.consulted()))
                        .append(hc.contained() > 0 ? "(" + hc.contained() + " contained)" : ""));
                sb.append('\n');
            });
        }
        for (String c : p.contained()) {
            sb.append("# contained: ").append(c).append('\n');
        }
    }

    /** The whole run report at once (no streaming). */
    public static String render(Scenario s, RunReport r) {
        StringBuilder sb = new StringBuilder(header(s));
        int w = opWidth(s);
        sb.append(stepHeader(w));
        for (StepResult st : r.steps()) {
            List<ExpectationResult> mine = new ArrayList<>();
            for (ExpectationResult e : r.expectations()) {
                if (e.line() == st.line()) {
                    mine.add(e);
                }
            }
            sb.append(stepLine(st, mine, w));
        }
        sb.append(footer(r));
        return sb.toString();
    }

    /** A comparison as aligned terminal tables. */
    public static String comparison(Comparison c) {
        StringBuilder sb = new StringBuilder();
        List<String> ds = c.designs();
        sb.append("# compare ").append(c.scenario()).append(" (").append(c.source()).append(") under ")
                .append(String.join(", ", ds)).append('\n');
        int w = Math.max(16, ds.stream().mapToInt(String::length).max().orElse(10) + 2);
        String fmt = "%-22s" + ("%" + w + "s").repeat(ds.size()) + "%n";
        sb.append("\n## private-node invariants (breaches; 0 = held)\n");
        sb.append(String.format(fmt, row("invariant", ds)));
        c.invariants().forEach(r -> sb.append(String.format(fmt, row(r.first(), r.cells()))));

        sb.append("\n## steps (* = the designs differ)\n");
        // a cell wider than the design names ("ok [2] ENOMEM [unwritten]") widens the step table, so
        // neighbouring cells never run together
        int sw = Math.max(w, c.steps().stream().flatMap(r -> r.cells().stream())
                .mapToInt(cell -> cell.length() + 2).max().orElse(0));
        String sfmt = "%5s %-16s" + ("%" + sw + "s").repeat(ds.size()) + " %s%n";
        sb.append(String.format(sfmt, stepRow("line", "op", ds, "")));
        for (Comparison.StepRow r : c.steps()) {
            sb.append(String.format(sfmt, stepRow(String.valueOf(r.line()), r.op(), r.cells(), r.differ() ? "*" : "")));
        }
        if (c.anyUnwritten()) {
            sb.append(Comparison.UNWRITTEN_NOTE).append('\n');
        }
        for (Comparison.Section sec : c.sections()) {
            sb.append("\n## ").append(sec.title()).append('\n');
            if (sec instanceof Comparison.Footprints f) {
                f.byDesign().forEach((d, sites) ->
                        sb.append(String.format("  %-16s %d: %s%n", d, sites.size(), String.join(", ", sites))));
            } else if (sec instanceof Comparison.Table t) {
                // a first column wider than 22 (migrate_reason.MR_LONGTERM_PIN.succeeded) widens its table only
                int first = t.rows().stream().mapToInt(r -> r.first().length() + 1).max().orElse(0);
                String tfmt = first <= 22 ? fmt : fmt.replaceFirst("%-22s", "%-" + first + "s");
                sb.append(String.format(tfmt, row(t.firstColumn(), ds)));
                t.rows().forEach(r -> sb.append(String.format(tfmt, row(r.first(), r.cells()))));
            }
        }
        sb.append('\n');
        c.failures().forEach(l -> sb.append(l).append('\n'));
        sb.append(c.verdict()).append('\n');
        return sb.toString();
    }

    private static Object[] row(String first, List<String> cells) {
        Object[] h = new Object[cells.size() + 1];
        h[0] = first;
        for (int d = 0; d < cells.size(); d++) {
            h[d + 1] = cells.get(d);
        }
        return h;
    }

    private static Object[] stepRow(String line, String op, List<String> cells, String differ) {
        Object[] h = new Object[cells.size() + 3];
        h[0] = line;
        h[1] = op;
        for (int d = 0; d < cells.size(); d++) {
            h[d + 2] = cells.get(d);
        }
        h[cells.size() + 2] = differ;
        return h;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
