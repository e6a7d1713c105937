package org.mmproto.conformance.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mmproto.conformance.ConformanceKit;
import org.mmproto.conformance.ConformanceReport;
import org.mmproto.conformance.DriverUnderTest;
import org.mmproto.conformance.report.JunitXml;
import org.mmproto.conformance.report.Ktap;
import org.mmproto.conformance.report.ResultTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mmproto conform JAR}: the conformance kit on a driver plugin jar. */
@Command(name = "conform", mixinStandardHelpOptions = true,
        description = {"Check a driver plugin jar against the driver contract's numbered rules",
            "(framework-api/CONTRACT.md) under every installed design: loads the jar as",
            "the plugin manager does (and the design plugins of the plugins directory), runs",
            "the seeded workload on a machine whose private node 2 is onlined normal",
            "and on one where it is movable, and prints one row",
            "per rule and design: pass, fail (with the scenario, step and seed), or",
            "skipped with the reason.",
            "Exit status: 0 conforms, 1 a rule failed, 2 the jar cannot be loaded."})
public final class ConformCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JAR", description = "The driver plugin jar.")
    Path jar;

    @Option(names = "--design", paramLabel = "NAME", description = "Only this design (default: every installed design).")
    String design;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "The workload's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--budget-ms", defaultValue = "500", paramLabel = "MS",
            description = {"CPU-time budget of one driver call (R3.3; default:", "${DEFAULT-VALUE}): the CPU its thread used in the call",
                "(ThreadMXBean; wall time where the JVM measures none).", "A call that is not running (sleeps, waits, blocks)",
                "after max(budget, 1 s) of wall time has hung. The", "machine's load changes neither outcome."})
    long budgetMs;

    @Option(names = "--fail", paramLabel = "SPEC",
            description = "The faults of the R6.3 run (as run's --fail: point:key=value,..., e.g."
                    + " driver_hook:hook=migrate_to,interval=2,times=1,probability=100,mode=hang; repeatable), instead of the kit's"
                    + " two runs; armed once the driver is bound.")
    java.util.List<String> fail = new java.util.ArrayList<>();

    @Option(names = "--plugins", paramLabel = "DIR",
            description = {"Also check under every design plugin of the jars in DIR", "(e.g. plugins/), beside the built-in designs and",
                "the jar's own; drivers in DIR are not checked (default: the",
                "plugins directory `designs` lists, where it exists)."})
    Path plugins;

    @Option(names = "--no-plugins", description = {"Check under the built-in designs and the jar's own only,",
            "not those of the plugins directory."})
    boolean noPlugins;

    @Option(names = "--config", paramLabel = "CONFIG",
            description = {"The driver's configuration, as a driver's own build gives it:",
                "KEY=VALUE,... (each VALUE read as a YAML scalar) or a", "YAML/JSON mapping, e.g. '{private_allocs: allow}'."})
    String config;

    /** {@code --config}: KEY=VALUE,... or a YAML/JSON mapping; empty when not given. */
    static Map<String, Object> parseConfig(String given) {
        if (given == null || given.isBlank()) {
            return Map.of();
        }
        org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                new org.yaml.snakeyaml.LoaderOptions()));
        String t = given.trim();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        if (t.startsWith("{")) {
            Object m = yaml.load(t);
            if (!(m instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("--config " + given + ": not a mapping");
            }
            map.forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        for (String kv : t.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--config " + given + ": '" + kv + "' is not KEY=VALUE");
            }
            String v = kv.substring(eq + 1).trim();
            out.put(kv.substring(0, eq).trim(), v.isEmpty() ? "" : yaml.load(v));
        }
        return out;
    }

    /** {@code --plugins DIR}, else the launcher's plugins directory (as {@code designs} lists it) where it exists; null with --no-plugins. */
    Path pluginsDir() {
        if (plugins != null) {
            return plugins;
        }
        if (noPlugins) {
            return null;
        }
        Path dflt = org.mmproto.core.plugin.PluginsDir.resolve(null);
        return Files.isDirectory(dflt) ? dflt : null;
    }

    @Option(names = "--junit", paramLabel = "DIR", description = "Also write JUnit XML (one file per rule) into DIR.")
    Path junit;

    @Option(names = "--ktap", paramLabel = "FILE", description = "Also write the results as KTAP (the kernel selftests' format).")
    Path ktap;

    @Override
    public Integer call() throws IOException {
        if (budgetMs <= 0) {
            throw new IllegalArgumentException("--budget-ms must be > 0 (the budget rule needs one), got " + budgetMs);
        }
        // a private node refusing allocations, injected faults and their containment are what the
        // workload asks for: no warn_alloc, FAULT_INJECTION or containment lines (the table has the results)
        for (String logger : new String[] {"org.mmproto.core", "mm", "fault_inject", "driver.containment"}) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger))
                    .setLevel(ch.qos.logback.classic.Level.ERROR);
        }
        if (plugins != null && noPlugins) {
            throw new IllegalArgumentException("--plugins and --no-plugins: give one");
        }
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Jar(jar, parseConfig(config)),
                new ConformanceKit.Options(design, seed, Duration.ofMillis(budgetMs), fail, pluginsDir()));
        System.out.print(ResultTable.render(r));
        if (junit != null) {
            JunitXml.write(r, junit);
        }
        if (ktap != null) {
            Files.writeString(ktap, Ktap.render(r));
        }
        if (r.loadError() != null) {
            System.err.println("mmproto: " + r.loadError());
            return 2;
        }
        return r.requiredFailure() ? 1 : 0;
    }
}
