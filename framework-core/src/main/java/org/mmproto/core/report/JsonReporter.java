package org.mmproto.core.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.PrivacyReport;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunReport.ExpectationResult;
import org.mmproto.core.scenario.RunReport.InvariantViolation;
import org.mmproto.core.scenario.RunReport.NodeUsage;
import org.mmproto.core.scenario.RunReport.StepResult;
import org.mmproto.core.scenario.Scenario;

/**
 * The machine-readable reports ({@code --format json}). Other tools read them, so these keys are
 * fixed. A run: {@code vmstat} (counter → absolute value at the end), {@code vmstat_delta}
 * (counter → change during the run), {@code nodes} ({@code nid, total_pages, free_pages,
 * used_pages, ...}), {@code steps} ({@code line, op, result} plus op-specific fields),
 * {@code expectations} ({@code line, passed, detail, ...}) and {@code invariants} (violations;
 * empty when all hold). A comparison: {@code scenario, file, passed}, {@code designs} (one run
 * object per design) and {@code differing_lines}; a directory prints an array of them. Keys keep
 * insertion order, so the same run prints the same bytes.
 */
public final class JsonReporter implements Reporter {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String format() {
        return "json";
    }

    @Override
    public RunOutput openRun(Scenario scenario, boolean onlyFailingSteps, PrintStream out) {
        return report -> out.print(render(report));
    }

    @Override
    public ComparisonOutput openComparisons(int scenarios, PrintStream out) {
        ArrayNode all = MAPPER.createArrayNode();
        return new ComparisonOutput() {
            @Override
            public void add(Comparison c) {
                all.add(tree(c));
            }

            @Override
            public void end() {
                // one scenario: its object; a directory: the array (also when bad files left one)
                out.println(write(scenarios == 1 ? all.get(0) : all));
            }
        };
    }

    public static ObjectNode tree(RunReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("scenario", r.scenario());
        root.put("file", r.source());
        root.put("description", r.description());
        ObjectNode machine = root.putObject("machine");
        machine.put("name", r.machine());
        machine.put("source", r.machineSource());
        root.put("seed", r.seed());
        root.put("thp", r.thp());
        root.put("design", r.privacy().design());
        root.put("passed", r.passed());
        ObjectNode summary = root.putObject("summary");
        summary.put("steps", r.steps().size());
        summary.put("expectations", r.expectations().stream().filter(e -> !e.implicit()).count());
        summary.put("failed", r.failedExpectations());
        summary.put("invariant_violations", r.invariants().size());

        ArrayNode steps = root.putArray("steps");
        for (StepResult s : r.steps()) {
            ObjectNode o = steps.addObject();
            o.put("line", s.line());
            o.put("op", s.op());
            o.put("result", s.result());
            if (s.label() != null) {
                o.put("name", s.label());
            }
            if (s.task() != null) {
                o.put("task", s.task());
            }
            if (s.value() != null) {
                o.put("value", s.value());
            }
            o.put("summary", s.summary());
            for (Map.Entry<String, Object> f : s.fields().entrySet()) {
                o.set(f.getKey(), MAPPER.valueToTree(f.getValue()));
            }
        }
        ArrayNode ex = root.putArray("expectations");
        for (ExpectationResult e : r.expectations()) {
            ObjectNode o = ex.addObject();
            o.put("line", e.line());
            o.put("passed", e.passed());
            o.put("detail", e.detail());
            o.put("item_line", e.itemLine());
            o.put("what", e.what());
            o.put("expected", e.expected());
            o.put("actual", e.actual());
            o.put("implicit", e.implicit());
        }
        ArrayNode inv = root.putArray("invariants");
        for (InvariantViolation v : r.invariants()) {
            ObjectNode o = inv.addObject();
            o.put("line", v.line());
            o.put("kind", v.kind());
            if (v.pfn() >= 0) {
                o.put("pfn", v.pfn());
            } else {
                o.putNull("pfn");
            }
            o.put("detail", v.detail());
        }
        privacy(root, r.privacy());
        ObjectNode vm = root.putObject("vmstat");
        r.vmstat().forEach(vm::put);
        ObjectNode vd = root.putObject("vmstat_delta");
        r.vmstatDelta().forEach(vd::put);
        ArrayNode nodes = root.putArray("nodes");
        for (NodeUsage n : r.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("nid", n.nid());
            o.put("total_pages", n.totalPages());
            o.put("free_pages", n.freePages());
            o.put("pcp_pages", n.pcpPages());
            o.put("used_pages", n.usedPages());
            o.put("used_pages_delta", n.usedPagesDelta());
            o.put("cpus", n.cpus());
            o.put("private", n.isPrivate());
            o.put("has_memory", n.hasMemory());
            ObjectNode nv = o.putObject("vmstat");
            n.vmstat().forEach(nv::put);
        }
        ArrayNode drivers = root.putArray("drivers");
        for (RunReport.DriverReport d : r.drivers()) {
            ObjectNode o = drivers.addObject();
            o.put("nid", d.nid());
            o.put("plugin", d.plugin());
            o.put("pressure", d.pressure());
            o.put("capacity_pages", d.capacityPages());
            o.put("promotion_requests", d.promotionRequests());
            o.put("promotion_requests_dropped", d.promotionDropped());
            o.put("promotion_requests_stale", d.promotionStale());
            ObjectNode st = o.putObject("stats");
            d.stats().forEach(st::put);
        }
        return root;
    }

    /** {@code privacy}: breaches of the per-private-node invariants, site/hook counts, footprint. */
    private static void privacy(ObjectNode root, PrivacyReport p) {
        ObjectNode o = root.putObject("privacy");
        o.put("design", p.design());
        ArrayNode br = o.putArray("breaches");
        for (PrivacyReport.Breach b : p.breaches()) {
            ObjectNode x = br.addObject();
            x.put("line", b.line());
            x.put("kind", b.kind());
            x.put("nid", b.nid());
            x.put("pfn", b.pfn());
            x.put("detail", b.detail());
            x.put("expected", b.expected());
        }
        ObjectNode counts = o.putObject("breach_counts");
        for (String kind : Expectations.BREACH_KINDS.stream().sorted().toList()) {
            counts.put(kind, p.count(kind.replace('_', ' ')));
        }
        ObjectNode sites = o.putObject("sites");
        ObjectNode hooks = o.putObject("hooks");
        p.sites().forEach((site, c) -> {
            ObjectNode x = sites.putObject(site);
            x.put("decisions", c.consulted());
            x.put("allowed", c.allowed());
            x.put("denied", c.denied());
            x.put("departed", c.departed());
            c.hooks().forEach((h, hc) -> {
                ObjectNode y = hooks.has(h) ? (ObjectNode) hooks.get(h) : hooks.putObject(h);
                ObjectNode z = y.putObject(site);
                z.put("calls", hc.consulted());
                z.put("allowed", hc.allowed());
                z.put("denied", hc.denied());
                z.put("contained", hc.contained());
            });
        });
        ArrayNode fp = o.putArray("footprint");
        for (String f : p.footprint()) {
            ObjectNode x = fp.addObject();
            int paren = f.indexOf(" (");
            x.put("site", paren < 0 ? f : f.substring(0, paren));
            x.put("file", paren < 0 ? "" : f.substring(paren + 2, f.length() - 1));
        }
        ArrayNode ct = o.putArray("contained");
        p.contained().forEach(ct::add);
    }

    /** {"scenario": ..., "passed": ..., "designs": {name: run-JSON}, "differing_lines": [...]}. */
    public static ObjectNode tree(Comparison c) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("scenario", c.scenario());
        root.put("file", c.source());
        root.put("passed", c.passed());
        ObjectNode designs = root.putObject("designs");
        c.runs().forEach((d, r) -> designs.set(d, tree(r)));
        ArrayNode differ = root.putArray("differing_lines");
        c.differingLines().forEach(differ::add);
        return root;
    }

    /** The run report as indented JSON text, ending with a newline. */
    public static String render(RunReport r) {
        return write(tree(r)) + "\n";
    }

    private static String write(Object tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
