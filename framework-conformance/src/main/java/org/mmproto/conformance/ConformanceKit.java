package org.mmproto.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.probe.DriverDecorator;
import org.mmproto.core.trace.Tracer;

/**
 * Runs every rule of {@link Rules} against one driver: the jar rules once, the others under every
 * design on every machine of {@link Machines}, each with the seeded {@link Workload} (twice, for
 * determinism). What a run found is judged by {@link RunChecks}.
 */
public final class ConformanceKit {
    /**
     * @param design only this design (null: every installed design)
     * @param seed the workload's seed
     * @param budget the per-call driver budget, CPU time of the call's thread (CONTRACT R3.3); a call
     *               whose thread got no CPU for {@link org.mmproto.core.hooks.Containment#hangAfter} of wall time, not running, hung
     * @param faults the {@code --fail} specs of the fault-injected run (R6.3), armed once the driver is bound;
     *               empty: the kit's runs ({@link FaultPlan})
     */
    public record Options(String design, long seed, Duration budget, List<String> faults, Path plugins) {
        public Options {
            faults = List.copyOf(faults);
        }

        /**
         * @param plugins a directory of plugin jars whose design plugins every rule is checked
         *                under too, beside the built-in designs and the jar's own (their drivers
         *                are not checked); null: none
         */
        public Options(String design, long seed, Duration budget, List<String> faults) {
            this(design, seed, budget, faults, null);
        }

        public Options(String design, long seed, Duration budget) {
            this(design, seed, budget, List.of());
        }

        /**
         * Every design, seed 1, a 500 ms CPU-time budget (the contract's default is 200 ms: the
         * kit leaves room for a first call's class loading), hung after one second not running.
         * CPU time does not grow with the machine's load, so the outcome does not depend on it.
         */
        public static Options defaults() {
            return new Options(null, 1, Duration.ofMillis(500));
        }

        public Options withSeed(long s) {
            return new Options(design, s, budget, faults, plugins);
        }

        public Options withDesign(String d) {
            return new Options(d, seed, budget, faults, plugins);
        }

        public Options withFaults(List<String> specs) {
            return new Options(design, seed, budget, specs, plugins);
        }

        /** Also every design plugin of the jars in {@code dir} (see {@link #plugins()}). */
        public Options withPlugins(Path dir) {
            return new Options(design, seed, budget, faults, dir);
        }
    }

    private ConformanceKit() {
    }

    public static ConformanceReport check(DriverUnderTest d, Options o) {
        Lifecycle lifecycle = Lifecycle.snapshot();
        List<Result> jarResults = new ArrayList<>();
        LoadedDriver driver;
        String label = d instanceof DriverUnderTest.Jar j ? j.jar().toString() : ((DriverUnderTest.Type) d).type().getName();
        try {
            if (d instanceof DriverUnderTest.Jar j) {
                driver = LoadedDriver.fromJar(j.jar(), o.budget());
            } else {
                DriverUnderTest.Type t = (DriverUnderTest.Type) d;
                driver = t.jar() != null ? LoadedDriver.fromJar(t.jar(), o.budget(), t.type().getName(), t.pluginId())
                        : LoadedDriver.fromType(t.type(), t.pluginId());
            }
        } catch (LoadedDriver.LoadFailure e) {
            List<Result> out = new ArrayList<>();
            for (Rule r : Rules.ALL) {
                out.add(r == Rules.DESCRIPTOR ? Result.fail(r, Result.NO_DESIGN, "", "", o.seed(), e.getMessage())
                        : Result.skip(r, Result.NO_DESIGN, o.seed(), "the jar did not load"));
            }
            return new ConformanceReport(label, List.of(), o.seed(), out, e.getMessage());
        }
        List<String> designs;
        Map<Rule, List<Result>> perDesign = new LinkedHashMap<>();
        try (driver) {
            if (o.plugins() != null) {
                // R6.4 judges the jar under test: what DIR's plugins start or set as they load is not its
                Lifecycle beforeDir = Lifecycle.snapshot();
                driver.addDesignPlugins(o.plugins(), o.budget())
                        .forEach(e -> System.err.println("mmproto conform: plugin not loaded: " + e));
                lifecycle.admitSince(beforeDir);
            }
            jarResults.add(d.pluginJar() == null
                    ? Result.skip(Rules.DESCRIPTOR, Result.NO_DESIGN, o.seed(), "no jar in this run (a class of the "
                    + "build): run the test after package with -D" + DriverUnderTest.JAR_PROPERTY + "=JAR (failsafe), "
                    + "or ./mmproto conform JAR")
                    : Result.pass(Rules.DESCRIPTOR, Result.NO_DESIGN, o.seed()));
            var impure = ApiPurity.violations(driver.classes);
            jarResults.add(impure.isEmpty() ? Result.pass(Rules.API_PURITY, Result.NO_DESIGN, o.seed())
                    : Result.fail(Rules.API_PURITY, Result.NO_DESIGN, "", "", o.seed(), "host classes referenced: "
                    + impure.entrySet().iterator().next().getKey() + " -> " + impure.entrySet().iterator().next().getValue()
                    + (impure.size() > 1 ? " (and " + (impure.size() - 1) + " more class files)" : "")));
            designs = driver.designNames().stream().filter(n -> o.design() == null || n.equals(o.design())).toList();
            if (designs.isEmpty()) {
                throw new IllegalArgumentException("--design " + o.design() + ": no such design; installed: "
                        + String.join(", ", driver.designNames()));
            }
            for (String name : designs) {
                for (Result r : checkDesign(driver, name, driver.designs.get(name), d.config(), o)) {
                    perDesign.computeIfAbsent(r.rule(), x -> new ArrayList<>()).add(r);
                }
            }
        }
        jarResults.add(lifecycle.check(d, o));
        List<Result> all = new ArrayList<>();
        for (Rule r : Rules.ALL) {
            jarResults.stream().filter(x -> x.rule() == r).forEach(all::add);
            all.addAll(perDesign.getOrDefault(r, List.of()));
        }
        return new ConformanceReport(driver.pluginId + " (" + label + ")", designs, o.seed(), all, null);
    }

    /** Every per-design rule under one design: each machine's runs, combined (a failure on either fails it). */
    private static List<Result> checkDesign(LoadedDriver driver, String name, Supplier<Design> design,
            Map<String, Object> config, Options o) {
        Map<Rule, Result> combined = new LinkedHashMap<>();
        for (Machines.Variant v : Machines.all()) {
            String scenario = Workload.NAME + " on " + v.name();
            Run first = run(driver, design, config, v, o, null);
            Map<Rule, Result> results;
            if (first.bindError != null) {
                results = RunChecks.bindFailed(name, scenario, o.seed(), first.bindError);
            } else {
                Run second = run(driver, design, config, v, o, null);
                results = RunChecks.judge(name, scenario, o.seed(), v, first, second);
                results.put(Rules.FAULTS, results.get(Rules.DETERMINISTIC).outcome() == Outcome.FAIL
                        ? Result.skip(Rules.FAULTS, name, o.seed(), "the driver is not deterministic (R6.1): a faulted run "
                        + "has no clean run to compare with")
                        : faulted(driver, design, config, v, o, name, scenario, first, results));
            }
            results.forEach((rule, r) -> combined.merge(rule, r, ConformanceKit::worse));
        }
        return new ArrayList<>(combined.values());
    }

    /** R6.3 on one machine: each run of the fault plan, judged against the clean run, combined. */
    private static Result faulted(LoadedDriver driver, Supplier<Design> design, Map<String, Object> config,
            Machines.Variant v, Options o, String name, String scenario, Run clean, Map<Rule, Result> results) {
        Result out = null;
        for (String spec : FaultPlan.specs(o.faults(), clean.trace,
                clean.kernel.boundDriver(Machines.PRIVATE_NID).orElseThrow().hooks())) {
            Run faulted = run(driver, design, config, v, o, spec);
            if (faulted.bindError != null && RunChecks.bindTimedOut(faulted.bindError)) {
                // one event, one rule: a bind over its budget is R3.3's failure (the faults were not armed yet)
                results.put(Rules.BUDGET, Result.fail(Rules.BUDGET, name, scenario + " with --fail '" + spec + "'", "bind",
                        o.seed(), faulted.bindError));
                Result r = Result.skip(Rules.FAULTS, name, o.seed(), "the faulted run's bind overran its budget (R3.3)");
                out = out == null ? r : worse(out, r);
                continue;
            }
            Result r = FaultChecks.judge(name, scenario, o.seed(), clean, faulted);
            out = out == null ? r : worse(out, r);
        }
        return out;
    }

    /**
     * FAIL over PASS over SKIPPED; two passes keep what both exercised, two skips both reasons; an
     * R6.3 pass keeps the other machine's skip reason too (it says which machine was not faulted).
     */
    private static Result worse(Result a, Result b) {
        if (a.outcome() == Outcome.FAIL) {
            return a;
        }
        if (b.outcome() == Outcome.FAIL) {
            return b;
        }
        if (a.outcome() == Outcome.PASS && b.outcome() == Outcome.PASS) {
            String d = a.detail().isEmpty() ? b.detail() : b.detail().isEmpty() ? a.detail() : a.detail() + "; " + b.detail();
            return Result.pass(a.rule(), a.design(), a.seed(), d);
        }
        if (a.rule() == Rules.FAULTS && (a.outcome() == Outcome.PASS || b.outcome() == Outcome.PASS)) {
            // R6.3 faults both machines: a pass says what each machine got, and why one was not faulted
            return Result.pass(a.rule(), a.design(), a.seed(), (a.outcome() == Outcome.PASS ? "" : "not faulted: ")
                    + a.detail() + "; " + (b.outcome() == Outcome.PASS ? "" : "not faulted: ") + b.detail());
        }
        if (a.outcome() == Outcome.PASS) {
            return a;
        }
        if (b.outcome() == Outcome.PASS) {
            return b;
        }
        return a.detail().equals(b.detail()) ? a : Result.skip(a.rule(), a.design(), a.seed(), a.detail() + "; " + b.detail());
    }

    /** One boot and workload: the kernel (closed), its trace, or why the driver did not bind. */
    static final class Run {
        /** The run's --fail specs, null for a run without fault injection. */
        String faultSpec;
        FaultInjector faults = FaultInjector.OFF;
        Kernel kernel;
        RunTrace trace;
        Workload.Facts facts;
        String bindError;
        String engineError;
    }

    /**
     * @param faultSpec the --fail specs to inject (each driver wrapped by the fault decorator),
     *                  disarmed through boot and bind, armed for the workload; or null
     */
    private static Run run(LoadedDriver driver, Supplier<Design> design, Map<String, Object> config, Machines.Variant v,
            Options o, String faultSpec) {
        Run run = new Run();
        Kernel k;
        Supplier<PrivateNodeDriver> factory = driver.factory;
        if (faultSpec != null) {
            FaultInjector faults = FaultPlan.injector(faultSpec, o.seed());
            run.faultSpec = faultSpec;
            run.faults = faults;
            // a hang sleeps past the lane's hang timeout: the call is not running, so it hangs however loaded the machine
            Duration hang = org.mmproto.core.hooks.Containment.hangAfter(o.budget()).multipliedBy(2);
            factory = () -> DriverDecorator.wrap(driver.factory.get(), faults, Machines.PRIVATE_NID, hang);
        }
        try {
            k = Kernel.boot(v.spec(), design.get(), List.of(new DriverSpec(driver.pluginId, factory,
                    Machines.PRIVATE_NID, config, v.name(), 1)), o.budget(), driver.context::constructing,
                    Tracer.OFF, run.faults);
        } catch (ConfigException e) {
            run.bindError = e.getMessage();
            return run;
        }
        run.faults.arm(true); // the driver is bound: the workload runs under the faults
        RunTrace trace = new RunTrace(k.driverContext(Machines.PRIVATE_NID).orElseThrow(), k.dispatcher().containment());
        k.dispatcher().containment().observe(trace);
        Workload w = new Workload(k, Machines.PRIVATE_NID, o.seed(), trace, faultSpec != null);
        try {
            w.run();
        } catch (RuntimeException e) {
            run.engineError = trace.stepName(trace.currentStep()) + ": the run stopped: " + e;
        } finally {
            k.dispatcher().containment().close();
        }
        run.kernel = k;
        run.trace = trace;
        run.facts = w.facts;
        return run;
    }
}
