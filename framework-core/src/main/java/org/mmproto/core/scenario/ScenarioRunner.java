package org.mmproto.core.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.PrivacyLedger;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.probe.DriverDecorator;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.RunReport.ExpectationResult;
import org.mmproto.core.scenario.RunReport.InvariantViolation;
import org.mmproto.core.scenario.RunReport.NodeUsage;
import org.mmproto.core.scenario.RunReport.StepResult;
import org.mmproto.core.scenario.step.Check;
import org.mmproto.core.scenario.step.ExpectOnly;
import org.mmproto.core.scenario.step.Repeat;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.trace.Tracer;

/**
 * Runs a {@link Scenario} against a freshly booted {@link Kernel} and produces a {@link RunReport}.
 * Steps run in order (each {@link Step} runs itself against a {@link RunContext}); each step's
 * expectation is compared right after it by the {@link ExpectationEvaluator}. A syscall step
 * without a {@code result:} expectation is expected to succeed, so an unintended errno (a touch
 * outside any VMA, an mmap that failed) is reported at its line. The run is deterministic for a
 * scenario and seed: nothing depends on time or hash order.
 */
public final class ScenarioRunner {
    /** Observes a run as it goes (the CLI prints step lines and drives a progress bar). */
    public interface Listener {
        default void stepDone(StepResult step, List<ExpectationResult> expectations) {
        }

        default void repeatStarted(Repeat step, long times) {
        }

        default void repeatProgress(long done) {
        }

        default void repeatDone() {
        }

        /** A long step reading a file (a replayed trace) started: {@code total} bytes of it, -1 for a pipe. */
        default void readStarted(String what, long total) {
        }

        /** {@code done} bytes of it read so far (compressed bytes for a compressed trace). */
        default void readProgress(long done) {
        }

        default void readDone() {
        }
    }

    private static final Listener NONE = new Listener() {
    };

    private final Scenario scenario;
    private Listener listener = NONE;
    private Tracer tracer = Tracer.OFF;
    private FaultInjector faults = FaultInjector.OFF;

    private Kernel k;
    private final RunSetup setup;
    private final String designName;
    private final List<PrivacyReport.Breach> breaches = new ArrayList<>();
    /** Indexes of breaches an expectation named (the others fail the run). */
    private final Set<Integer> acknowledged = new HashSet<>();
    private int breachesSeen;

    public ScenarioRunner(Scenario scenario) {
        this(scenario, RunSetup.builtIn());
    }

    public ScenarioRunner(Scenario scenario, RunSetup setup) {
        this.scenario = scenario;
        this.setup = setup;
        this.designName = setup.designFor(scenario);
    }

    /** Boots the scenario's machine with the run's design and the scenario's driver bindings. */
    private Kernel bootKernel() {
        var designFactory = setup.designs().get(designName);
        if (designFactory == null) {
            throw new ConfigException(scenario.source(), 0, 0, "unknown design '" + designName + "'; installed designs: "
                    + String.join(", ", setup.designs().keySet()));
        }
        List<DriverSpec> specs = new ArrayList<>();
        for (Scenario.DriverDecl d : scenario.drivers()) {
            var factory = setup.drivers().get(d.plugin());
            if (factory == null) {
                throw new ConfigException(scenario.source(), d.line(), 0, "no driver plugin '" + d.plugin()
                        + "' is loaded" + (setup.drivers().isEmpty() ? " (no plugins found; build them with `mvn package`"
                        + " or point --plugins at a directory of plugin jars)" : "; loaded: "
                        + String.join(", ", new TreeSet<>(setup.drivers().keySet()))));
            }
            var made = factory;
            var hang = setup.budget().isZero() ? Duration.ofMillis(200)
                    : org.mmproto.core.hooks.Containment.hangAfter(setup.budget()).multipliedBy(2);
            specs.add(new DriverSpec(setup.label(d.plugin()), faults.active()
                    ? () -> DriverDecorator.wrap(made.get(), faults, d.nid(), hang) : factory, d.nid(), d.config(),
                    scenario.source(), d.line()));
        }
        return Kernel.boot(scenario.machine(), designFactory.get(), specs, setup.budget(),
                setup.context() != null ? setup.context()::constructing : c -> { }, tracer, faults);
    }

    /** Per-node invariant breaches recorded so far, attributed to the step lines that caused them. */
    private void collectBreaches(int line) {
        List<PrivacyLedger.Breach> all = k.dispatcher().ledger().breaches();
        for (int i = breachesSeen; i < all.size(); i++) {
            var b = all.get(i);
            breaches.add(new PrivacyReport.Breach(line, b.kind(), b.nid(), b.pfn(), b.detail()));
        }
        breachesSeen = all.size();
    }

    /**
     * The run's tracepoints and fault injection (one run: each kernel needs its own). With faults,
     * the invariant checker runs after every step that injected one.
     */
    public ScenarioRunner instrument(Tracer t, FaultInjector f) {
        this.tracer = t;
        this.faults = f;
        return this;
    }

    public ScenarioRunner listener(Listener l) {
        this.listener = l == null ? NONE : l;
        return this;
    }

    /** An exception a step's engine code threw (see {@link #exceptions()}). */
    public record StepException(int line, String op, Throwable error) {
    }

    private final List<StepException> exceptions = new ArrayList<>();

    /** The exceptions steps threw in the last {@link #run()}; each also failed the run. */
    public List<StepException> exceptions() {
        return List.copyOf(exceptions);
    }

    public RunReport run() {
        exceptions.clear();
        k = bootKernel();
        TransparentHugepage.Mode thp = effectiveThp(scenario);
        k.setThp(thp);
        List<InvariantViolation> invariants = new ArrayList<>();
        RunContext ctx = new RunContext(k, scenario.seed(), listener, invariants);
        for (Scenario.TaskDecl d : scenario.tasks()) {
            Task t;
            try {
                t = k.spawn(d.name(), d.pid(), d.cpu(), d.uid(), d.caps());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(scenario.source(), d.line(), 0, "task '" + d.name() + "': " + e.getMessage());
            }
            if (d.mems() != null) {
                t.setMemsAllowed(d.mems());
            }
            ctx.taskCreated(d.name(), t);
        }
        PhysicalMemory mem = k.mem();
        ExpectationEvaluator eval = new ExpectationEvaluator(ctx, scenario.source(), designName, breaches,
                acknowledged);

        TimelineRecorder timeline = new TimelineRecorder(k, eval::vmstat, eval.startVmstat());
        timeline.sample(0);
        List<StepResult> steps = new ArrayList<>();
        List<ExpectationResult> expectations = new ArrayList<>();
        List<ExpectationResult> observations = new ArrayList<>();
        for (Step s : scenario.steps()) {
            Expectation e = s.meta().expect();
            StepOutcome o;
            Expectation obs = s.meta().observe();
            boolean readsStep = e != null && ExpectationEvaluator.readsStepCounters(e)
                    || obs != null && ExpectationEvaluator.readsStepCounters(obs);
            Map<String, Long> before = readsStep ? eval.vmstat() : null;
            tracer.step(s.line());
            faults.step(s.line());
            int faultsBefore = faults.injectedCount();
            try {
                o = s.run(ctx);
            } catch (StepError err) {
                o = StepOutcome.status("error");
                o.summary = s.op() + ": " + err.getMessage();
                o.fields.put("error", err.getMessage());
            } catch (UnsupportedOperationException err) {
                o = StepOutcome.status("unsupported");
                o.summary = s.op() + ": not implemented by the engine yet (" + err.getMessage() + ")";
                o.fields.put("error", "not implemented by the engine yet (" + err.getMessage() + ")");
            } catch (ConfigException err) {
                throw err;
            } catch (RuntimeException | StackOverflowError | AssertionError err) {
                // an engine bug: never a pass, whatever the step expected (also result: any)
                o = StepOutcome.status("exception");
                o.summary = s.op() + ": the engine threw " + err;
                o.fields.put("error", err.toString());
                exceptions.add(new StepException(s.line(), s.op(), err));
            }
            o.before = before;
            collectBreaches(s.line());
            List<ExpectationResult> mine = eval.evaluate(s, o);
            if ("exception".equals(o.result)) {
                mine.add(new ExpectationResult(s.line(), s.line(), false, false, "engine", "no exception",
                        String.valueOf(o.fields.get("error")), s.op() + " threw " + o.fields.get("error")
                        + " (an engine bug, not an errno; -v prints the stack trace)"));
            }
            if (s instanceof ExpectOnly) {
                o.result = mine.stream().allMatch(ExpectationResult::passed) ? "ok" : "failed";
            }
            expectations.addAll(mine);
            observations.addAll(eval.observe(s, o));
            StepResult r = new StepResult(s.line(), s.op(), s.meta().label(), s.task(), o.result, o.value, o.summary,
                    o.fields);
            steps.add(r);
            timeline.sample(s.line());
            if (tracer.active()) {
                for (Node n : mem.nodes()) {
                    tracer.counter("node" + n.nid() + " used", n.nid(), usedPages(n));
                }
            }
            if (scenario.checkEachStep() && !(s instanceof Check) || faults.injectedCount() != faultsBefore) {
                for (DebugVm.Violation v : DebugVm.check(k.mem())) {
                    invariants.add(new InvariantViolation(s.line(), v.kind(), v.pfn(), v.detail()));
                }
            }
            listener.stepDone(r, mine);
        }
        for (DebugVm.Violation v : DebugVm.check(k.mem())) {
            invariants.add(new InvariantViolation(0, v.kind(), v.pfn(), v.detail()));
        }
        if (k.dispatcher() != null) {
            k.dispatcher().deviceWork().cancelAll(); // the bindings end with the run (R1.8, R1.10)
        }
        Map<String, Long> start = eval.startVmstat();
        Map<String, Long> end = eval.vmstat();
        Map<String, Long> delta = new LinkedHashMap<>();
        end.forEach((key, v) -> delta.put(key, v - start.get(key)));
        List<NodeUsage> nodes = new ArrayList<>();
        for (Node n : mem.nodes()) {
            long used = usedPages(n);
            Map<String, Long> nv = new LinkedHashMap<>();
            nv.put("nr_free_pages", n.freePages());
            for (VmStat v : VmStat.values()) {
                nv.put(v.key(), n.vmstat(v));
            }
            nodes.add(new NodeUsage(n.nid(), n.managedPages(), n.freePages(), pcpPages(n), used, used - eval.startUsed(n.nid()),
                    NodeMask.formatList(n.cpus().stream().mapToInt(Integer::intValue).toArray()), n.isPrivate(),
                    n.inNMemory(), nv));
        }
        return new RunReport(scenario.name(), scenario.source(), scenario.description(), scenario.machine().name(),
                scenario.machine().source(), scenario.seed(), thp.name().toLowerCase(Locale.ROOT), steps,
                expectations, invariants, end, delta, nodes, PrivacyReport.of(k.dispatcher(), breaches, acknowledged),
                driverReports(), timeline.timeline(), observations);
    }

    private List<RunReport.DriverReport> driverReports() {
        List<RunReport.DriverReport> out = new ArrayList<>();
        for (Node n : k.mem().nodes()) {
            k.boundDriver(n.nid()).ifPresent(b -> out.add(new RunReport.DriverReport(n.nid(), b.pluginId(),
                    b.context().reportedPressure(), b.context().reportedCapacity(),
                    b.context().promotionRing().requested(),
                    b.context().promotionRing().dropped(), b.context().promotionRing().stale(), b.context().reportedStats())));
        }
        return out;
    }

    /** The scenario's thp:, else the machine's transparent_hugepage (always unless never). */
    public static TransparentHugepage.Mode effectiveThp(Scenario s) {
        return s.thp() != null ? s.thp()
                : s.machine().vm().thpEnabled() ? TransparentHugepage.Mode.ALWAYS : TransparentHugepage.Mode.NEVER;
    }

    /** Free pages sitting on the node's per-CPU lists (neither in NR_FREE_PAGES nor in use). */
    static long pcpPages(Node n) {
        long c = 0;
        for (Zone z : n.zones()) {
            c += z.pcpPages();
        }
        return c;
    }

    /** Pages in allocated folios: managed - NR_FREE_PAGES - per-CPU-list pages. */
    static long usedPages(Node n) {
        return n.managedPages() - n.freePages() - pcpPages(n);
    }
}
