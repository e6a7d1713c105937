package org.mmproto.core.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Timeline;

/**
 * {@code report.json}, the report's machine contract: every key is documented in
 * {@code docs/report-json.md}, and a change to one is a change to that document. Keys keep
 * insertion order, so the same runs give the same bytes.
 */
public final class SuiteJson {
    /** Bumped when a documented key changes meaning or goes away (new keys do not bump it). */
    public static final int VERSION = 2;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SuiteJson() {
    }

    public static String render(SuiteReport r) {
        try {
            return MAPPER.writeValueAsString(tree(r)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode tree(SuiteReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", "mmproto-report");
        root.put("version", VERSION);
        root.put("target", r.target());
        ArrayNode designs = root.putArray("designs");
        r.designs().forEach(designs::add);
        root.put("passed", r.passed());
        root.put("verdict", r.verdict());
        ArrayNode legend = root.putArray("legend");
        SuiteSummary.LEGEND.forEach(legend::add);
        ArrayNode notRun = root.putArray("not_run");
        r.notRun().forEach(notRun::add);
        ObjectNode held = root.putObject("held_everything");
        List<Integer> heldN = r.summary().heldEverything();
        for (int i = 0; i < r.designs().size(); i++) {
            ObjectNode h = held.putObject(r.designs().get(i));
            h.put("held", heldN.get(i));
            h.put("of", r.summary().rows().size());
        }
        ArrayNode summary = root.putArray("summary");
        for (SuiteSummary.Row row : r.summary().rows()) {
            summary.add(summaryRow(r.designs(), row));
        }
        ArrayNode scenarios = root.putArray("scenarios");
        for (int i = 0; i < r.comparisons().size(); i++) {
            Comparison c = r.comparisons().get(i);
            ObjectNode s = scenarios.addObject();
            s.put("scenario", c.scenario());
            s.put("file", c.source());
            s.put("description", r.summary().rows().get(i).description());
            s.put("passed", c.passed());
            s.put("verdict", c.verdict());
            ArrayNode differ = s.putArray("differing_lines");
            c.differingLines().forEach(differ::add);
            ArrayNode failures = s.putArray("failures");
            c.failures().forEach(failures::add);
            ObjectNode runs = s.putObject("designs");
            c.runs().forEach((d, run) -> {
                ObjectNode t = JsonReporter.tree(run);
                t.set("timeline", timeline(run));
                runs.set(d, t);
            });
            ArrayNode charts = s.putArray("charts");
            r.charts().get(i).forEach(ch -> charts.add(chart(ch)));
        }
        return root;
    }

    private static ObjectNode summaryRow(List<String> designs, SuiteSummary.Row row) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("scenario", row.scenario());
        o.put("file", row.file());
        o.put("passed", row.passed());
        o.put("differ", row.differ());
        ObjectNode cells = o.putObject("cells");
        for (int i = 0; i < designs.size(); i++) {
            SuiteSummary.Cell c = row.cells().get(i);
            ObjectNode x = cells.putObject(designs.get(i));
            x.put("text", c.text());
            x.put("differs_from_first", row.differsFromFirst(i));
            x.put("invariants_held", c.held());
            ObjectNode b = x.putObject("breaches");
            c.breaches().forEach((k, v) -> b.put(k.replace(' ', '_'), v));
            x.put("mm_invariants_broken", c.mmInvariants());
            x.put("expectations_failed", c.failed());
            x.put("denials", c.denials());
            x.put("enomem", c.enomem());
            x.put("poison", c.poison());
            x.put("held_everything", c.heldEverything());
            x.put("hook_calls", c.hookCalls());
            x.put("contained", c.contained());
            x.put("observations", c.observed());
            x.put("observations_held", c.observedHeld());
            ArrayNode sites = x.putArray("sites_touched");
            c.sitesTouched().forEach(sites::add);
            ObjectNode dc = x.putObject("driver_stats");
            c.driverStats().forEach(dc::put);
        }
        return o;
    }

    private static ObjectNode timeline(RunReport run) {
        ObjectNode t = MAPPER.createObjectNode();
        ArrayNode lines = t.putArray("lines");
        run.timeline().lines().forEach(lines::add);
        ArrayNode series = t.putArray("series");
        for (Timeline.Series s : run.timeline().series()) {
            ObjectNode o = series.addObject();
            o.put("key", s.key());
            o.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("nid", s.nid());
            o.put("name", s.name());
            o.put("unit", s.unit());
            ArrayNode v = o.putArray("values");
            s.values().forEach(x -> {
                if (x == null) {
                    v.addNull();
                } else {
                    v.add(x);
                }
            });
        }
        return t;
    }

    static ObjectNode chart(Chart ch) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("title", ch.title());
        o.put("kind", ch.kind());
        o.put("group", ch.group());
        o.put("y_label", ch.yLabel());
        ArrayNode x = o.putArray("x");
        ch.x().forEach(x::add);
        ArrayNode series = o.putArray("series");
        for (Chart.Series s : ch.series()) {
            ObjectNode so = series.addObject();
            so.put("label", s.label());
            ArrayNode v = so.putArray("values");
            s.values().forEach(val -> {
                if (val == null) {
                    v.addNull();
                } else {
                    v.add(val);
                }
            });
        }
        return o;
    }

    /** The charts alone as compact JSON (the HTML page embeds them), {@code </} escaped for a script element. */
    static String chartsForPage(SuiteReport r) {
        ArrayNode all = MAPPER.createArrayNode();
        for (List<Chart> charts : r.charts()) {
            ArrayNode a = all.addArray();
            charts.forEach(c -> a.add(chart(c)));
        }
        try {
            return new ObjectMapper().writeValueAsString(all).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
