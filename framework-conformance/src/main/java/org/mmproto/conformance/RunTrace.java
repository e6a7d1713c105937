package org.mmproto.conformance;

import java.util.ArrayList;
import java.util.List;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.HookObserver;
import org.mmproto.core.hooks.KernelDriverContext;

/**
 * What one workload run showed: the steps in order, every driver call and every landing on the
 * private node, each with the step it happened in (the observer the kit installs on the run).
 * Each call also records the driver's capacity and pressure reports as they stood once it
 * returned (a driver reports only inside its calls, R2.4, so the previous call's are the ones
 * before it) and the kind of the incident it caused, if any.
 */
final class RunTrace implements HookObserver {
    /**
     * A driver call during step {@code step} (an index into {@link #steps}), the driver's reports
     * after it, and its incident's kind ("timeout", "threw", ...; null when it caused none).
     */
    record StepCall(int step, Call call, long capacity, int pressure, String incident) {
        StepCall(int step, Call call) {
            this(step, call, -1, -1, null);
        }
    }

    /** The node's context (its reports), or null for a trace built by hand. */
    private final KernelDriverContext reports;
    private final Containment containment;
    private int incidentsSeen;
    /** The reports when the trace started (after bind): the ones before the first call. */
    final long capacityAtStart;
    final int pressureAtStart;

    RunTrace() {
        this(null, null);
    }

    RunTrace(KernelDriverContext reports, Containment containment) {
        this.reports = reports;
        this.containment = containment;
        this.capacityAtStart = reports == null ? -1 : reports.reportedCapacity();
        this.pressureAtStart = reports == null ? -1 : reports.reportedPressure();
    }

    /** A page block landing on the node after its driver vetoed in the same call. */
    record VetoedLanding(int step, int nid, long pfn) {
    }

    final List<String> steps = new ArrayList<>();
    final List<StepCall> calls = new ArrayList<>();
    final List<VetoedLanding> vetoedLandings = new ArrayList<>();
    /** Failures a step check found (filter refusals that moved a folio, reports out of range). */
    final List<Finding> findings = new ArrayList<>();

    /** A rule a step's own check found broken. */
    record Finding(Rule rule, int step, String detail) {
    }

    void step(String name) {
        steps.add(name);
    }

    int currentStep() {
        return steps.size() - 1;
    }

    String stepName(int i) {
        return i < 0 ? "boot" : "step " + (i + 1) + " (" + steps.get(i) + ")";
    }

    void find(Rule r, String detail) {
        findings.add(new Finding(r, currentStep(), detail));
    }

    @Override
    public void called(Call call) {
        String incident = null;
        if (call.contained() && containment != null) {
            List<Containment.Incident> all = containment.incidents();
            if (all.size() > incidentsSeen) {
                incident = all.get(all.size() - 1).kind(); // a quarantined call after the first adds none
                incidentsSeen = all.size();
            }
        }
        calls.add(reports == null ? new StepCall(currentStep(), call)
                : new StepCall(currentStep(), call, reports.reportedCapacity(), reports.reportedPressure(), incident));
    }

    @Override
    public void landed(int nid, long pfn, boolean vetoedInCall) {
        if (vetoedInCall) {
            vetoedLandings.add(new VetoedLanding(currentStep(), nid, pfn));
        }
    }

    boolean anyContained() {
        return calls.stream().anyMatch(c -> c.call().contained());
    }

    /**
     * The calls the driver answered itself, as comparable text, up to the first contained one
     * (after a containment the runs may part for reasons R3 reports, not R6.1).
     */
    List<String> answered() {
        List<String> out = new ArrayList<>();
        for (StepCall c : calls) {
            if (c.call().contained()) {
                break;
            }
            out.add(stepName(c.step()) + " " + c.call().hook().kernelName() + " at " + c.call().site() + " "
                    + c.call().request() + " -> " + c.call().answer());
        }
        return out;
    }
}
