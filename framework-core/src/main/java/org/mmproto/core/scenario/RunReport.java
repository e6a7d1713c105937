package org.mmproto.core.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one scenario run: what each step did, each expectation compared, the invariant
 * violations found, and the counters and node usage at the end. The reporters of
 * {@code org.mmproto.core.report} render it; the JSON keys are documented in {@code scenarios/README.md}.
 *
 * @param vmstat      /proc/vmstat at the end of the run (absolute values)
 * @param vmstatDelta the change of each counter since the run began (right after boot)
 * @param privacy     the design, the per-private-node invariant breaches, hook consultations per
 *                    site and the patch footprint
 * @param drivers     per bound driver, in node order, what it reported
 * @param timeline    the engine sampled after boot and after each step (for the report's charts)
 */
public record RunReport(String scenario, String source, String description, String machine, String machineSource,
                        long seed, String thp, List<StepResult> steps, List<ExpectationResult> expectations,
                        List<InvariantViolation> invariants, Map<String, Long> vmstat, Map<String, Long> vmstatDelta,
                        List<NodeUsage> nodes, PrivacyReport privacy, List<DriverReport> drivers,
                        Timeline timeline) {
    public RunReport {
        timeline = timeline == null ? Timeline.empty() : timeline;
        steps = List.copyOf(steps);
        expectations = List.copyOf(expectations);
        invariants = List.copyOf(invariants);
        vmstat = Collections.unmodifiableMap(new LinkedHashMap<>(vmstat));
        vmstatDelta = Collections.unmodifiableMap(new LinkedHashMap<>(vmstatDelta));
        nodes = List.copyOf(nodes);
        drivers = List.copyOf(drivers);
    }

    /**
     * What a bound driver told the engine by the end of the run (CONTRACT R1.6, R1.7, R1.9): its
     * latest pressure and capacity ({@code -1}: never reported), the promotion requests it made
     * (and of those, the ones a full ring dropped and the ones stale when drained) and the
     * statistics it reported, in first-report order.
     */
    public record DriverReport(int nid, String plugin, int pressure, long capacityPages, long promotionRequests,
                               long promotionDropped, long promotionStale, Map<String, Long> stats) {
        public DriverReport {
            stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
        }
    }

    /** A run report without a timeline. */
    public RunReport(String scenario, String source, String description, String machine, String machineSource,
                     long seed, String thp, List<StepResult> steps, List<ExpectationResult> expectations,
                     List<InvariantViolation> invariants, Map<String, Long> vmstat, Map<String, Long> vmstatDelta,
                     List<NodeUsage> nodes, PrivacyReport privacy, List<DriverReport> drivers) {
        this(scenario, source, description, machine, machineSource, seed, thp, steps, expectations, invariants, vmstat,
                vmstatDelta, nodes, privacy, drivers, Timeline.empty());
    }

    /**
     * What one step did.
     *
     * @param result  {@code ok}, the errno name, or for non-syscall steps: {@code violated} (check),
     *                {@code failed} (expect), {@code unsupported} (the engine does not implement the
     *                call yet), {@code error} (the step could not run, see {@code fields.error}),
     *                {@code exception} (the engine threw)
     * @param value   the raw return value (address, count, pid, fd, 0, or -errno); null when none
     * @param summary the call as C would show it, with its return
     * @param fields  op-specific outputs: move_pages {@code status}, get_mempolicy {@code mode} and
     *                {@code nodemask}, alloc_pages {@code landed}, mmap {@code addr}, ...
     */
    public record StepResult(int line, String op, String label, String task, String result, Long value,
                             String summary, Map<String, Object> fields) {
    }

    /**
     * One compared value.
     *
     * @param line     the step's line
     * @param itemLine the line of the compared key inside the expect: block
     * @param implicit true for the "succeeds" expectation of a syscall step with no result: given
     */
    public record ExpectationResult(int line, int itemLine, boolean passed, boolean implicit, String what,
                                    String expected, String actual, String detail) {
    }

    /** A broken invariant; {@code line} is the check step's line, 0 for the end-of-run check. */
    public record InvariantViolation(int line, String kind, long pfn, String detail) {
    }

    /**
     * A node at the end of the run: {@code freePages} is NR_FREE_PAGES (the buddy allocator's free
     * pages, as MemFree), {@code pcpPages} the free pages on per-CPU lists, {@code usedPages} the
     * pages in allocated folios (total - free - pcp); {@code usedPagesDelta} its change since the
     * run began.
     */
    public record NodeUsage(int nid, long totalPages, long freePages, long pcpPages, long usedPages, long usedPagesDelta,
                            String cpus, boolean isPrivate, boolean hasMemory, Map<String, Long> vmstat) {
    }

    public long failedExpectations() {
        return expectations.stream().filter(e -> !e.passed()).count();
    }

    /**
     * True when every expectation held, no engine invariant was violated, and every privacy
     * breach was one the scenario expects (named in a {@code breaches:} expectation).
     */
    public boolean passed() {
        return failedExpectations() == 0 && invariants.isEmpty() && privacy.unexpected().isEmpty();
    }
}
