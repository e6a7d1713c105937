package org.mmproto.conformance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.mmproto.core.fault.FailPoint;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.PrivacyLedger;

/**
 * Judges R6.3 on the fault-injected run against the clean one (same design, machine and seed):
 * the mm invariants held (DebugVm), no privacy breach of a kind the clean run did not have, no
 * veto landing, the checks of the clean run (capacity in range and back at baseline, filter
 * refusals, kept folios released) still hold where the clean run passed them, a call that timed
 * out left the driver's reports as they were before it, and the driver misbehaved in no call the
 * injector did not fault. A rule the clean run already failed is that
 * rule's failure, not this one's.
 */
final class FaultChecks {
    private FaultChecks() {
    }

    static Result judge(String design, String scenario, long seed, ConformanceKit.Run clean, ConformanceKit.Run faulted) {
        Rule r = Rules.FAULTS;
        String where = scenario + " with --fail '" + faulted.faultSpec + "'";
        if (faulted.bindError != null) {
            // the faults are armed only once the driver is bound: this bind saw what the clean run's did
            return Result.fail(r, design, where, "bind", seed, "bound in the clean run, refused the node in a run whose "
                    + "faults were not armed yet: " + faulted.bindError);
        }
        FaultInjector faults = faulted.faults;
        RunTrace t = faulted.trace;
        if (faulted.engineError != null) {
            return Result.fail(r, design, where, "", seed, faulted.engineError);
        }
        Set<Rule> cleanFailed = clean.trace.findings.stream().map(RunTrace.Finding::rule).collect(Collectors.toSet());
        // a report off its baseline is one symptom: R4.2's when the driver ignores a free path (that the
        // faulted run may not show again), else R1.6's; the clean run's either covers the faulted run's
        boolean cleanOffBaseline = clean.trace.findings.stream().anyMatch(f -> Workload.offBaseline(f));
        for (RunTrace.Finding f : t.findings) {
            if (cleanOffBaseline && Workload.offBaseline(f)) {
                continue;
            }
            if (f.rule() == r || !cleanFailed.contains(f.rule())) {
                return Result.fail(r, design, where, t.stepName(f.step()), seed, (f.rule() == r ? "" : "under injected faults "
                        + f.rule().id() + " broke: ") + f.detail() + " (" + faults.injectedCount()
                        + " faults injected in the run)");
            }
        }
        Set<String> cleanBreaches = clean.kernel.dispatcher().ledger().breaches().stream().map(PrivacyLedger.Breach::kind)
                .collect(Collectors.toSet());
        for (PrivacyLedger.Breach b : faulted.kernel.dispatcher().ledger().breaches()) {
            if (!cleanBreaches.contains(b.kind())) {
                return Result.fail(r, design, where, "", seed, "a breach the design prevents without faults: " + b
                        + " (" + faults.injectedCount() + " faults injected)");
            }
        }
        if (!t.vetoedLandings.isEmpty() && clean.trace.vetoedLandings.isEmpty()) {
            var l = t.vetoedLandings.get(0);
            return Result.fail(r, design, where, t.stepName(l.step()), seed, "a page (pfn 0x" + Long.toHexString(l.pfn())
                    + ") landed on node " + l.nid() + " in the allocation call its driver vetoed");
        }
        RunTrace.Finding hung = reportsChangedByTimeout(t);
        if (hung != null) {
            return Result.fail(r, design, where, t.stepName(hung.step()), seed, hung.detail());
        }
        String unfaulted = uninjectedIncident(faults, faulted.kernel.dispatcher().containment().incidents());
        if (unfaulted != null && clean.kernel.dispatcher().containment().incidents().isEmpty()) {
            return Result.fail(r, design, where, "", seed, "the driver misbehaved in a call no fault was injected into: "
                    + unfaulted);
        }
        if (faults.injectedCount() == 0) {
            return Result.skip(r, design, seed, "no fault was injected on " + scenario + " (nothing reached the fail points)");
        }
        return Result.pass(r, design, seed, exercised(scenario, faults, t));
    }

    /** What a passing run injected: "conform-normal: 31 faults (page_alloc 9, ...)", a hang naming its call. */
    private static String exercised(String scenario, FaultInjector faults, RunTrace t) {
        Map<String, Integer> byPoint = new java.util.TreeMap<>();
        faults.injected().forEach(x -> byPoint.merge(x.point().key() + (x.point() == FailPoint.DRIVER_HOOK
                ? " " + x.detail().replace("hook ", "").replace(" mode ", "/") : ""), 1, Integer::sum));
        String machine = scenario.substring(scenario.lastIndexOf(' ') + 1);
        String hang = t.calls.stream().filter(c -> "timeout".equals(c.incident())).findFirst()
                .map(c -> ", quarantined after " + t.stepName(c.step())).orElse("");
        return machine + ": " + faults.injectedCount() + " fault(s): " + byPoint.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + hang;
    }

    /**
     * A call that timed out yet changed the driver's capacity or pressure report, or null. The engine used the fallback, never the driver's answer (R3.3), so a driver that
     * books what the engine did (arrivals in folio_migrate, frees in free_folio), not what it
     * answered, reports after that call what it reported before it.
     */
    static RunTrace.Finding reportsChangedByTimeout(RunTrace t) {
        long capacity = t.capacityAtStart;
        int pressure = t.pressureAtStart;
        for (RunTrace.StepCall c : t.calls) {
            if ("timeout".equals(c.incident()) && (c.capacity() != capacity || c.pressure() != pressure)) {
                return new RunTrace.Finding(Rules.FAULTS, c.step(), c.call().hook().kernelName() + " at " + c.call().site()
                        + " timed out and the engine used its fallback (" + c.call().answer() + "), yet the driver's "
                        + "reports changed in that call: capacity " + capacity + " -> " + c.capacity() + " pages, pressure "
                        + pressure + " -> " + c.pressure() + " (an answer is a permission, not a commitment: book what "
                        + "the engine did, not what you answered; CONTRACT R6.3)");
            }
            capacity = c.capacity();
            pressure = c.pressure();
        }
        return null;
    }

    /** The first contained call the injector did not cause (its injected throws, nulls and hangs matched by hook), or null. */
    static String uninjectedIncident(FaultInjector faults, List<Containment.Incident> incidents) {
        Map<String, Integer> injected = new HashMap<>();
        for (FaultInjector.Injected x : faults.injected()) {
            if (x.point() == FailPoint.DRIVER_HOOK) {
                injected.merge(x.detail(), 1, Integer::sum); // "hook alloc_veto mode throw"
            }
        }
        for (Containment.Incident i : incidents) {
            String mode = switch (i.kind()) {
                case "threw" -> "throw";
                case "null" -> "null";
                case "timeout" -> "hang";
                default -> null;
            };
            if (i.kind().equals("quarantined")) {
                continue; // follows a timeout
            }
            String key = "hook " + i.hook().kernelName() + " mode " + mode;
            if (mode != null && injected.getOrDefault(key, 0) > 0) {
                injected.merge(key, -1, Integer::sum);
                continue;
            }
            return i.hook().kernelName() + " at " + i.site() + ": " + i.kind() + " (" + i.detail() + ")";
        }
        return null;
    }
}
