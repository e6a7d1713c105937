package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mmproto.api.driver.Site;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.Node;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.Expectations.Item;
import org.mmproto.core.scenario.Expectations.Probe;
import org.mmproto.core.scenario.RunReport.ExpectationResult;
import org.mmproto.core.scenario.step.ExpectOnly;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.Task;

/**
 * Compares a step's expectation with what the step did and the machine's state after it: reads
 * each probe (the result, an op-specific field the step reads, a counter against the run's start
 * or the step's, node and task values, resident pages, breaches, hook calls) and tests it.
 */
final class ExpectationEvaluator {
    private final RunContext run;
    private final Kernel k;
    private final String source;
    private final String designName;
    private final List<PrivacyReport.Breach> breaches;
    /** Indexes of breaches an expectation named (the others fail the run). */
    private final Set<Integer> acknowledged;
    /** Breaches the probe being evaluated counted; acknowledged if its expectation excludes 0. */
    private final List<Integer> pendingAck = new ArrayList<>();
    private final Map<String, Long> startVmstat;
    private final long[] startUsed;
    private final long[] startPcp;
    private final long[][] startNodeStat;

    /** Takes the run's starting counters now; {@code breaches} grows as the run attributes them to steps. */
    ExpectationEvaluator(RunContext run, String source, String designName, List<PrivacyReport.Breach> breaches,
                         Set<Integer> acknowledged) {
        this.run = run;
        this.k = run.kernel();
        this.source = source;
        this.designName = designName;
        this.breaches = breaches;
        this.acknowledged = acknowledged;
        this.startVmstat = vmstat();
        int nodes = k.mem().nodeCount();
        startUsed = new long[nodes];
        startPcp = new long[nodes];
        startNodeStat = new long[nodes][];
        for (Node n : k.mem().nodes()) {
            startUsed[n.nid()] = ScenarioRunner.usedPages(n);
            startPcp[n.nid()] = ScenarioRunner.pcpPages(n);
            startNodeStat[n.nid()] = nodeStats(n);
        }
    }

    /**
     * The machine's counters now: nr_free_pages, every vmstat item, then the pages migrated and
     * failed per migrate_reason (mm_migrate_pages' figures, {@code migrate_reason.MR_X.succeeded}).
     */
    Map<String, Long> vmstat() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("nr_free_pages", k.mem().totalFreePages());
        for (VmStat v : VmStat.values()) {
            m.put(v.key(), k.mem().vmstat(v));
        }
        m.putAll(k.migration().reasonCounts().asMap());
        return m;
    }

    /** The counters at the start of the run. */
    Map<String, Long> startVmstat() {
        return startVmstat;
    }

    /** Pages in use on node {@code nid} at the start of the run. */
    long startUsed(int nid) {
        return startUsed[nid];
    }

    private static long[] nodeStats(Node n) {
        long[] a = new long[VmStat.COUNT + 1];
        a[0] = n.freePages();
        for (VmStat v : VmStat.values()) {
            a[v.ordinal() + 1] = n.vmstat(v);
        }
        return a;
    }

    /**
     * Whether the expectation reads counters against the step's start ({@code vmstat_step}),
     * in its shared items or in a design's own.
     */
    static boolean readsStepCounters(Expectation e) {
        for (Item i : e.items()) {
            if (i.probe() instanceof Expectations.Vmstat v && v.scope() == Expectations.Scope.STEP) {
                return true;
            }
        }
        // a per-design block may read them too ({ops-struct: {vmstat_step: ...}})
        return e.perDesign().values().stream().anyMatch(ExpectationEvaluator::readsStepCounters);
    }

    /**
     * The expectation that applies under this run's design: the shared items plus the design's
     * own ({@code expect: {ops-struct: ok, gfp-flag: ENOMEM}}). A step with per-design
     * expectations but none for this design expects nothing of its result.
     */
    private Expectation forDesign(Expectation e) {
        if (e == null || e.perDesign().isEmpty()) {
            return e;
        }
        Expectation mine = e.perDesign().get(designName);
        if (mine == null) {
            mine = e.perDesign().get("others");
        }
        if (mine == null) {
            throw new ConfigException(source, e.line(), 0, "the per-design expectation names "
                    + String.join(", ", new TreeSet<>(e.perDesign().keySet())) + " but not " + designName
                    + ", the design of this run: name every design it must hold for, or add `others:`");
        }
        List<Item> items = new ArrayList<>(e.items());
        if (mine != null) {
            items.addAll(mine.items());
        }
        return new Expectation(e.line(), items, true, Map.of());
    }

    /** The results of the step's expectation, including the implicit "must succeed" of a step without result:. */
    List<ExpectationResult> evaluate(Step s, StepOutcome o) {
        List<ExpectationResult> out = new ArrayList<>();
        Expectation e = forDesign(s.meta().expect());
        boolean syscallLike = s.hasResult();
        // a check step never has an expectation, so it never reaches the failedToRun uses below
        boolean failedToRun = o.value == null && !"ok".equals(o.result);
        if (syscallLike && (e == null || !e.hasResult())) {
            boolean failed = failedToRun || (o.value != null && Expectations.isErrno(o.value));
            if (failed) {
                String got = o.value != null ? Expectations.resultName(o.value) : o.result;
                StringBuilder d = new StringBuilder(s.op()).append(" failed with ").append(got);
                Object why = o.fields.containsKey("fault") ? o.fields.get("fault") : o.fields.get("error");
                if (why != null) {
                    d.append(": ").append(why);
                }
                if (o.value != null) {
                    d.append("; the step has no expected result (write 'expect: ").append(got)
                            .append("' if the error is intended)");
                }
                out.add(new ExpectationResult(s.line(), s.line(), false, true, "result", "ok", got, d.toString()));
            }
        } else if (failedToRun && e != null && e.hasResult()) {
            // the result item below fails with the reason as the actual value
            o.fields.putIfAbsent("error", o.result);
        }
        if (e == null) {
            return out;
        }
        for (Item i : e.items()) {
            Object actual;
            try {
                actual = read(i.probe(), s, o);
            } catch (StepError | IllegalStateException | IllegalArgumentException err) {
                out.add(new ExpectationResult(s.line(), i.line(), false, false, i.probe().describe(),
                        i.expected().describe(), "unreadable", s.op() + " " + i.probe().describe()
                        + ": cannot be read: " + err.getMessage()));
                continue;
            }
            boolean passed = i.expected().test(actual);
            // a breaches expectation names them only if it could not hold without them (">= 0" waives nothing)
            if (i.probe() instanceof Expectations.Breaches && !i.expected().test(0L)) {
                acknowledged.addAll(pendingAck);
            }
            pendingAck.clear();
            String actualText = actual == null && i.probe() instanceof Expectations.Result
                    ? o.result + (o.fields.get("error") != null ? " (" + o.fields.get("error") + ")" : "")
                    : Expectations.describeActual(i.probe(), actual);
            String detail = s.op() + " " + i.probe().describe() + ": expected " + i.expected().describe() + ", got "
                    + actualText;
            if (!passed && i.probe() instanceof Expectations.Result && o.fields.get("fault") != null) {
                detail += " (" + o.fields.get("fault") + ")";
            }
            out.add(new ExpectationResult(s.line(), i.line(), passed, false, i.probe().describe(),
                    i.expected().describe(), actualText, detail));
        }
        return out;
    }

    private Object read(Probe p, Step s, StepOutcome o) {
        if (p instanceof Expectations.Result) {
            return o.value;
        }
        if (p instanceof Expectations.DriverValue dv) {
            return k.driverContext(dv.nid()).map(c -> switch (dv.key()) {
                case "pressure" -> (Long) (long) c.reportedPressure();
                case "capacity_pages" -> (Long) c.reportedCapacity();
                case "promotion_requests" -> (Long) c.promotionRing().requested();
                case "promotion_requests_dropped" -> (Long) c.promotionRing().dropped();
                case "promotion_requests_stale" -> (Long) c.promotionRing().stale();
                default -> c.reportedStats().get(dv.key());
            }).orElse(null);
        }
        if (p instanceof Expectations.HookCalls h) {
            long n = 0;
            for (Site site : Site.values()) {
                for (var e : k.dispatcher().stats().hooksAt(site).entrySet()) {
                    if (e.getKey().kernelName().equals(h.hook())) {
                        n += e.getValue().consulted();
                    }
                }
            }
            return n;
        }
        if (p instanceof Expectations.Breaches b) {
            boolean whole = s instanceof ExpectOnly;
            long n = 0;
            for (int i = 0; i < breaches.size(); i++) {
                PrivacyReport.Breach br = breaches.get(i);
                if (br.kind().equals(b.ledgerKind()) && (whole || br.line() == s.line())) {
                    n++;
                    pendingAck.add(i);
                }
            }
            return n;
        }
        if (p instanceof Expectations.Field f) {
            return s.readField(f.name(), o);
        }
        if (p instanceof Expectations.Vmstat v) {
            long now = vmstatValue(v.key());
            return switch (v.scope()) {
                case ABSOLUTE -> now;
                case DELTA -> now - startVmstat.get(v.key());
                case STEP -> now - o.before.get(v.key());
            };
        }
        if (p instanceof Expectations.NodeValue nv) {
            Node n = k.mem().node(nv.nid());
            long now;
            long start;
            switch (nv.key()) {
                case "total_pages" -> {
                    now = n.managedPages();
                    start = now;
                }
                case "free_pages", "nr_free_pages" -> {
                    now = n.freePages();
                    start = startNodeStat[nv.nid()][0];
                }
                case "used_pages" -> {
                    now = ScenarioRunner.usedPages(n);
                    start = startUsed[nv.nid()];
                }
                case "pcp_pages" -> {
                    now = ScenarioRunner.pcpPages(n);
                    start = startPcp[nv.nid()];
                }
                default -> {
                    VmStat item = VmStat.valueOf(nv.key().toUpperCase(Locale.ROOT));
                    now = n.vmstat(item);
                    start = startNodeStat[nv.nid()][item.ordinal() + 1];
                }
            }
            return nv.delta() ? now - start : now;
        }
        if (p instanceof Expectations.Resident r) {
            Task t = run.taskOrNull(r.task());
            if (t == null) {
                return null;
            }
            long a;
            try {
                a = run.resolve(r.addr());
            } catch (StepError err) {
                return null;
            }
            long[] c = run.resident(t, a, r.length().value());
            return switch (r.what()) {
                case "pages" -> c[0];
                case "zero_pages" -> c[1];
                case "huge_pages" -> c[2];
                default -> c[3 + r.nid()];
            };
        }
        if (p instanceof Expectations.TaskValue tv) {
            Task t = run.taskOrNull(tv.task());
            if (t == null) {
                return null;
            }
            return switch (tv.key()) {
                case "rss_pages" -> t.mm() == null ? 0L : t.mm().rssPages();
                case "exited" -> t.exited();
                case "uid" -> (long) t.uid();
                case "pid" -> (long) t.pid();
                default -> throw new IllegalStateException(tv.key());
            };
        }
        throw new IllegalStateException("unhandled probe " + p);
    }

    private long vmstatValue(String key) {
        if (key.equals("nr_free_pages")) {
            return k.mem().totalFreePages();
        }
        if (key.startsWith("migrate_reason.")) {
            return k.migration().reasonCounts().asMap().get(key);
        }
        return k.mem().vmstat(VmStat.valueOf(key.toUpperCase(Locale.ROOT)));
    }
}
