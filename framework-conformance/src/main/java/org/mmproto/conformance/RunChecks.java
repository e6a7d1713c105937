package org.mmproto.conformance;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.api.FreePath;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Verdict;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;

/** Judges the per-design rules on what two runs of the workload (same seed) under one design showed. */
final class RunChecks {
    private static final List<Rule> PER_DESIGN = Rules.ALL.stream().filter(Rule::perDesign).toList();

    private RunChecks() {
    }

    /** The driver did not bind: inconsistent opt-ins fail R5.3; a refused node skips the machine. */
    /** Whether a bind error is Containment's bind timeout (the driver overran its budget in bind: R3.3). */
    static boolean bindTimedOut(String error) {
        return error.contains("failed to bind") && error.contains("ms budget (") && error.contains("quarantined");
    }

    static Map<Rule, Result> bindFailed(String design, String scenario, long seed, String error) {
        Map<Rule, Result> out = new LinkedHashMap<>();
        boolean inconsistent = error.contains("inconsistent opt-ins");
        boolean timedOut = bindTimedOut(error);
        for (Rule r : PER_DESIGN) {
            out.put(r, r == Rules.OPT_INS && inconsistent || r == Rules.BUDGET && timedOut
                    ? Result.fail(r, design, scenario, "bind", seed, error)
                    : Result.skip(r, design, seed, (inconsistent ? "" : "bind refused on ") + scenario + ": " + error));
        }
        return out;
    }

    static Map<Rule, Result> judge(String design, String scenario, long seed, Machines.Variant v,
            ConformanceKit.Run run, ConformanceKit.Run again) {
        Map<Rule, Result> out = new LinkedHashMap<>();
        RunTrace t = run.trace;
        NodeOptIns opt = run.kernel.boundDriver(Machines.PRIVATE_NID).orElseThrow().optIns();
        for (Rule r : PER_DESIGN) {
            out.put(r, Result.pass(r, design, seed));
        }
        // the findings the steps made; the second run's containments too (R3 holds on every call)
        List<RunTrace.Finding> findings = new java.util.ArrayList<>(t.findings);
        again.trace.findings.stream().filter(f -> f.rule() == Rules.NO_THROW || f.rule() == Rules.NO_NULL
                || f.rule() == Rules.BUDGET).forEach(findings::add);
        for (RunTrace.Finding f : findings) {
            RunTrace in = t.findings.contains(f) ? t : again.trace;
            out.merge(f.rule(), Result.fail(f.rule(), design, scenario, in.stepName(f.step()), seed, f.detail()),
                    (old, neu) -> old.outcome() == Outcome.FAIL ? old : neu);
        }
        if (run.engineError != null) {
            out.put(Rules.NO_THROW, Result.fail(Rules.NO_THROW, design, scenario, "", seed, run.engineError));
        }
        veto(out, design, scenario, seed, t);
        freeBalance(out, design, scenario, seed, run);
        longtermPin(out, design, scenario, seed, t, opt, run.facts, run.kernel.dispatcher().design());
        filterRefusals(out, design, seed, t, opt);
        deterministic(out, design, scenario, seed, t, again.trace);
        capabilities(out, design, scenario, seed, run, opt, v);
        return out;
    }

    static void veto(Map<Rule, Result> out, String design, String scenario, long seed, RunTrace t) {
        if (!t.vetoedLandings.isEmpty()) {
            var l = t.vetoedLandings.get(0);
            out.put(Rules.VETO, Result.fail(Rules.VETO, design, scenario, t.stepName(l.step()), seed, "a page (pfn 0x"
                    + Long.toHexString(l.pfn()) + ") landed on node " + l.nid() + " in the allocation call its driver vetoed"
                    + " (" + t.vetoedLandings.size() + " such landings)"));
        } else {
            long asked = t.calls.stream().filter(c -> c.call().hook() == Hook.ALLOC_VETO && !c.call().contained()).count();
            long denied = t.calls.stream().filter(c -> c.call().hook() == Hook.ALLOC_VETO && !c.call().contained()
                    && !Workload.accepted(c.call().answer())).count();
            if (asked == 0) {
                out.put(Rules.VETO, Result.skip(Rules.VETO, design, seed, "the design asked no alloc_veto"));
            } else if (denied == 0) {
                out.put(Rules.VETO, Result.skip(Rules.VETO, design, seed, "the driver denied none of the " + asked
                        + " alloc_veto calls the design made: no veto to hold it to"));
            } else {
                out.put(Rules.VETO, Result.pass(Rules.VETO, design, seed, denied + " of " + asked
                        + " alloc_veto calls denied, no page of theirs on the node"));
            }
        }
    }

    private static void freeBalance(Map<Rule, Result> out, String design, String scenario, long seed, ConformanceKit.Run run) {
        if (out.get(Rules.FREE_BALANCE).outcome() == Outcome.FAIL) {
            return;
        }
        var unnotified = run.kernel.dispatcher().ledger().breaches().stream()
                .filter(b -> b.kind().equals("unnotified free")).toList();
        if (!unnotified.isEmpty()) {
            out.put(Rules.FREE_BALANCE, Result.fail(Rules.FREE_BALANCE, design, scenario, "", seed, unnotified.size()
                    + " free(s) on a path the design promises to notify had no free_folio: " + unnotified.get(0)));
            return;
        }
        var d = run.kernel.dispatcher().design();
        EnumSet<FreePath> promised = EnumSet.noneOf(FreePath.class);
        for (FreePath p : FreePath.values()) {
            if (d.notifiesFree(p)) {
                promised.add(p);
            }
        }
        if (promised.isEmpty()) {
            out.put(Rules.FREE_BALANCE, Result.skip(Rules.FREE_BALANCE, design, seed, "the design promises no free notification"));
        }
    }

    private static void longtermPin(Map<Rule, Result> out, String design, String scenario, long seed, RunTrace t,
            NodeOptIns opt, Workload.Facts f, Design d) {
        if (out.get(Rules.LONGTERM_PIN).outcome() == Outcome.FAIL) {
            return;
        }
        boolean declared = opt.has(NpOps.NP_OPS_LONGTERM_PIN) || opt.has(NodeCap.NODE_PRIVATE_CAP_LTPIN);
        var pins = t.calls.stream().filter(c -> c.call().hook() == Hook.LONGTERM_PIN && !c.call().contained()).toList();
        List<Workload.PinFact> facts = f == null ? List.of() : f.pins.stream().filter(Workload.PinFact::beforeOnNode).toList();
        if (!declared) {
            // the capability side: no pin opt-in, never asked, and no folio of the node pinned where it is
            if (!pins.isEmpty()) {
                out.put(Rules.LONGTERM_PIN, Result.fail(Rules.LONGTERM_PIN, design, scenario, t.stepName(pins.get(0).step()), seed,
                        "declares neither NP_OPS_LONGTERM_PIN nor NODE_PRIVATE_CAP_LTPIN, yet was asked longterm_pin "
                        + pins.size() + " time(s)"));
                return;
            }
            // under a design with the pin opt-in (ops-struct) the node's folio is refused or migrated off
            boolean optInDesign = hasPinOptIn(d, Machines.PRIVATE_NID);
            for (var p : facts) {
                if (optInDesign && p.pinned() >= 0 && p.pinnedOnNode()) {
                    out.put(Rules.LONGTERM_PIN, Result.fail(Rules.LONGTERM_PIN, design, scenario, t.stepName(p.step()), seed,
                            "declares no longterm-pin capability, yet its folio (pfn 0x" + Long.toHexString(p.pinned())
                            + ") was FOLL_LONGTERM-pinned on the node instead of refused or migrated off"));
                    return;
                }
            }
            if (facts.isEmpty()) {
                out.put(Rules.LONGTERM_PIN, Result.skip(Rules.LONGTERM_PIN, design, seed, "no longterm pin of a page of the node in the run"));
            } else {
                long refused = facts.stream().filter(p -> p.pinned() < 0).count();
                out.put(Rules.LONGTERM_PIN, Result.pass(Rules.LONGTERM_PIN, design, seed, "declares no pin capability: not asked;"
                        + " of " + facts.size() + " pins of its pages " + refused + " refused, " + (facts.size() - refused)
                        + " migrated off the node"));
            }
            return;
        }
        int allowed = 0;
        int denied = 0;
        for (var c : pins) {
            if (!(c.call().request() instanceof PinRequest p) || !(c.call().answer() instanceof Verdict v)) {
                continue;
            }
            if (v.allowed() && p.folio().zone() == ZoneType.MOVABLE) {
                out.put(Rules.LONGTERM_PIN, Result.fail(Rules.LONGTERM_PIN, design, scenario, t.stepName(c.step()), seed,
                        "allowed a FOLL_LONGTERM pin of a ZONE_MOVABLE folio (pfn 0x" + Long.toHexString(p.folio().pfn())
                        + "): a movable zone must stay unpinnable"));
                return;
            }
            // the last answer of the step's pin pass decides it
            var fact = f == null ? null : f.pins.stream().filter(x -> x.step() == c.step()).findFirst().orElse(null);
            boolean last = pins.stream().filter(x -> x.step() == c.step()).reduce((x, y) -> y).orElseThrow() == c;
            if (fact == null || !last) {
                continue;
            }
            String pfn = "pfn 0x" + Long.toHexString(p.folio().pfn());
            if (v.allowed()) {
                allowed++;
                if (fact.pinned() != p.folio().pfn()) {
                    out.put(Rules.LONGTERM_PIN, Result.fail(Rules.LONGTERM_PIN, design, scenario, t.stepName(c.step()), seed,
                            "longterm_pin ALLOW of " + pfn + " did not pin it in place: " + (fact.pinned() < 0
                            ? "the pin failed (" + fact.err() + ")" : "pfn 0x" + Long.toHexString(fact.pinned()) + " was pinned")));
                    return;
                }
            } else {
                denied++;
                if (fact.pinned() >= 0 || fact.err() != -org.mmproto.api.Errno.ENOMEM.code() || fact.after() != p.folio().pfn()) {
                    out.put(Rules.LONGTERM_PIN, Result.fail(Rules.LONGTERM_PIN, design, scenario, t.stepName(c.step()), seed,
                            "longterm_pin Deny of " + pfn + " must fail the pin with -ENOMEM and leave the folio where it was: "
                            + (fact.pinned() >= 0 ? "pfn 0x" + Long.toHexString(fact.pinned()) + " was pinned"
                            : "errno " + fact.err() + ", folio now pfn 0x" + Long.toHexString(fact.after()))));
                    return;
                }
            }
        }
        if (pins.isEmpty()) {
            out.put(Rules.LONGTERM_PIN, Result.skip(Rules.LONGTERM_PIN, design, seed, "longterm_pin not asked under this design"));
        } else {
            out.put(Rules.LONGTERM_PIN, Result.pass(Rules.LONGTERM_PIN, design, seed, pins.size() + " longterm_pin call(s): "
                    + allowed + " ALLOW pinned in place, " + denied + " Deny failed with -ENOMEM, folio unmoved"));
        }
    }

    private static void filterRefusals(Map<Rule, Result> out, String design, long seed, RunTrace t, NodeOptIns opt) {
        if (out.get(Rules.FILTER_REFUSAL).outcome() == Outcome.FAIL) {
            return;
        }
        if (!opt.has(NpOps.NP_OPS_MIGRATION) && !opt.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA)) {
            out.put(Rules.FILTER_REFUSAL, Result.skip(Rules.FILTER_REFUSAL, design, seed, "not declared (" + Rules.FILTER_REFUSAL.condition() + ")"));
        } else if (t.calls.stream().noneMatch(c -> c.call().hook() == Hook.MIGRATION_FILTER && !c.call().contained()
                && !Workload.accepted(c.call().answer()))) {
            out.put(Rules.FILTER_REFUSAL, Result.skip(Rules.FILTER_REFUSAL, design, seed, "no migration_filter refusal in the run"));
        }
    }

    private static void deterministic(Map<Rule, Result> out, String design, String scenario, long seed, RunTrace a,
            RunTrace b) {
        List<String> x = a.answered();
        List<String> y = b.answered();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            if (!x.get(i).equals(y.get(i))) {
                out.put(Rules.DETERMINISTIC, Result.fail(Rules.DETERMINISTIC, design, scenario, x.get(i).substring(0,
                        x.get(i).indexOf(')') + 1), seed, "call " + (i + 1) + " answered differently in two runs with the same seed: "
                        + x.get(i).substring(x.get(i).indexOf(')') + 2) + " / then " + y.get(i).substring(y.get(i).lastIndexOf("->"))));
                return;
            }
        }
        if (x.size() != y.size() && !a.anyContained() && !b.anyContained()) {
            out.put(Rules.DETERMINISTIC, Result.fail(Rules.DETERMINISTIC, design, scenario, "", seed,
                    "two runs with the same seed made " + x.size() + " and " + y.size() + " driver calls"));
        }
    }

    /** The task the probe of {@link #hasMempolicyOptIn} names (the workload's). */
    private static final TaskRef PROBE_TASK = new TaskRef(1, "conform", 1000);

    /** Whether {@code d} has the longterm-pin opt-in: it does not pin a ZONE_NORMAL folio in place for a driver that declares nothing. */
    static boolean hasPinOptIn(Design d, int nid) {
        try {
            var req = new PinRequest(new org.mmproto.api.driver.FolioRef(0, 0, nid, ZoneType.NORMAL, true, 1), PROBE_TASK);
            return d.longtermPin(req, new StandIn(nid, false)) != Decisions.PinAction.PIN_IN_PLACE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether {@code d} has the mempolicy opt-in: its set_mempolicy or mbind answer for node
     * {@code nid} allows a driver that declares NP_OPS_MEMPOLICY and refuses one that declares
     * nothing. Asked of the design directly, with stand-in drivers that answer every hook's
     * default (a design that throws for them has none).
     */
    static boolean hasMempolicyOptIn(Design d, int nid) {
        for (Site s : List.of(Site.SET_MEMPOLICY, Site.MBIND)) {
            try {
                if (d.policyTarget(s, PROBE_TASK, new StandIn(nid, true)).allowed()
                        && !d.policyTarget(s, PROBE_TASK, new StandIn(nid, false)).allowed()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // no answer for a stand-in: no evidence of the opt-in
            }
        }
        return false;
    }

    /** A driver that declares mempolicy (NP_OPS_MIGRATION | NP_OPS_MEMPOLICY) or nothing, and answers every default. */
    private record StandIn(int nid, boolean mempolicy) implements DriverAccess {
        @Override
        public boolean present() {
            return true;
        }

        @Override
        public NodeOptIns optIns() {
            return new NodeOptIns(mempolicy ? EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY)
                    : EnumSet.noneOf(NpOps.class));
        }

        @Override
        public Verdict allocVeto(Requests.AllocRequest r) {
            return Verdict.ALLOW;
        }

        @Override
        public Decisions.FreeAction freeFolio(Requests.FreeEvent e) {
            return Decisions.FreeAction.RETURN_TO_BUDDY;
        }

        @Override
        public Verdict longtermPin(PinRequest r) {
            return Verdict.ALLOW;
        }

        @Override
        public Verdict migrationFilter(Requests.MigrationRequest r) {
            return Verdict.ALLOW;
        }

        @Override
        public Decisions.MigrateTo migrateTo(Requests.MigrationRequest r) {
            return Decisions.MigrateTo.ACCEPT;
        }

        @Override
        public Decisions.FaultAction handleFault(Requests.FaultRequest r) {
            return Decisions.FaultAction.PROMOTE;
        }

        @Override
        public Decisions.ReclaimPolicy reclaimPolicy() {
            return Decisions.ReclaimPolicy.DEFAULT;
        }

        @Override
        public int pressure() {
            return 0;
        }
    }

    private static void capabilities(Map<Rule, Result> out, String design, String scenario, long seed,
            ConformanceKit.Run run, NodeOptIns opt, Machines.Variant v) {
        RunTrace t = run.trace;
        Workload.Facts f = run.facts;
        boolean mempolicy = opt.has(NpOps.NP_OPS_MEMPOLICY) || !opt.capsMappedFromV4() && opt.has(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        if (mempolicy && f.mbindAccepted && f.pagesLandedByPolicy == 0) {
            out.put(Rules.CAPABILITIES, Result.fail(Rules.CAPABILITIES, design, scenario, "mbind-fault", seed,
                    "declares NP_OPS_MEMPOLICY and the design accepted mbind(MPOL_BIND, {" + Machines.PRIVATE_NID
                    + "}), but no faulted page of the bound ranges reached the node"));
            return;
        }
        // NP_OPS_MIGRATION alone may be for demotion only (compressed RAM refuses user moves);
        // with NP_OPS_MEMPOLICY the node promises to take a user's pages
        if (opt.has(NpOps.NP_OPS_MIGRATION) && opt.has(NpOps.NP_OPS_MEMPOLICY)) {
            var asked = t.calls.stream().filter(c -> c.call().hook() == Hook.MIGRATE_TO && !c.call().contained()).toList();
            if (!asked.isEmpty() && asked.stream().noneMatch(c -> Workload.accepted(c.call().answer()))) {
                out.put(Rules.CAPABILITIES, Result.fail(Rules.CAPABILITIES, design, scenario, t.stepName(asked.get(0).step()),
                        seed, "declares NP_OPS_MIGRATION and NP_OPS_MEMPOLICY but refused all " + asked.size()
                        + " migrate_to calls onto a nearly empty node"));
                return;
            }
        }
        boolean optInDesign = !mempolicy && !f.mbindRefused && hasMempolicyOptIn(run.kernel.dispatcher().design(), Machines.PRIVATE_NID);
        if (!mempolicy && (f.mbindRefused || optInDesign)) {
            // the design has the opt-in: the driver that opted out must never be asked for a policy's page
            int mbindStep = t.steps.indexOf("mbind-fault");
            var asked = t.calls.stream().filter(c -> t.steps.get(Math.max(c.step(), 0)).equals("mbind-fault")
                    && (c.call().hook() == Hook.ALLOC_VETO || c.call().hook() == Hook.MIGRATE_TO)).toList();
            if (!asked.isEmpty() && mbindStep >= 0) {
                out.put(Rules.CAPABILITIES, Result.fail(Rules.CAPABILITIES, design, scenario, t.stepName(asked.get(0).step()),
                        seed, "opted out of mempolicy (" + (f.mbindRefused ? "mbind naming the node refused"
                        : "the design refuses a policy naming the node to a driver without NP_OPS_MEMPOLICY, yet accepted"
                        + " this mbind") + ") yet asked " + asked.get(0).call().hook().kernelName()
                        + " for the bound range's fault"));
            }
        }
    }
}
