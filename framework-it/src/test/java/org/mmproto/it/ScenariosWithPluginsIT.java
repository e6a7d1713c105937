package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.report.Comparison;
import org.mmproto.core.report.TextReporter;
import org.mmproto.core.scenario.RunFactory;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;
import org.mmproto.it.fixtures.FixtureDesign;

/**
 * The bundled scenarios that bind driver plugins, run with the jars built in this reactor under
 * every design; and a design shipped as a plugin jar taking part in a comparison.
 */
class ScenariosWithPluginsIT {

    @TestFactory
    Stream<DynamicTest> every_bundled_scenario_with_drivers_holds_under_every_design(@TempDir Path dir) {
        Samples.copySampleJars(dir);
        PluginCatalog catalog = new DriverPlugins().load(dir);
        RunFactory factory = new RunFactory(catalog);
        List<Path> withDrivers = ScenarioFiles.bundled().stream()
                .filter(p -> !ScenarioParser.parse(p).drivers().isEmpty()).toList();
        assertThat(withDrivers).isNotEmpty();
        assertThat(withDrivers).extracting(p -> p.getFileName().toString())
                .contains("matrix-policy-optout.yaml", "matrix-refusals.yaml", "matrix-home-node.yaml");
        // a generous budget: these runs check behaviour, DriverContainmentIT checks overruns, and a
        // loaded CI box must not quarantine a well-behaved driver
        return withDrivers.stream().flatMap(p -> {
            long[] hookCalls = {0};
            Stream<DynamicTest> runs = RunSetup.builtInDesigns().keySet().stream().map(d ->
                    DynamicTest.dynamicTest(p.getFileName() + " under " + d, () -> {
                        Scenario s = ScenarioParser.parse(p);
                        RunReport r = new ScenarioRunner(s, factory.setup(d, Duration.ofSeconds(5))).run();
                        assertThat(r.passed()).as("%s", new Object() {
                            @Override
                            public String toString() {
                                return TextReporter.render(s, r);
                            }
                        }).isTrue();
                        assertThat(r.privacy().contained()).as("the plugin answered every call").isEmpty();
                        r.privacy().sites().values().forEach(c -> c.hooks().values().forEach(h -> hookCalls[0] += h.consulted()));
                    }));
            // a scenario whose plugin driver no design ever called would prove nothing about it
            return Stream.concat(runs, Stream.of(DynamicTest.dynamicTest(p.getFileName() + ": the plugin driver was called",
                    () -> assertThat(hookCalls[0]).as("driver hook calls over all designs").isPositive())));
        });
    }

    @Test
    void a_design_from_a_plugin_jar_runs_next_to_the_built_in_ones(@TempDir Path dir) throws Exception {
        TestJar.plugin(dir, "fixture-design.jar", "fixture-design").extensions(FixtureDesign.class).write();
        PluginCatalog catalog = new DriverPlugins().load(dir);
        RunFactory factory = new RunFactory(catalog);
        assertThat(factory.designNames()).contains(FixtureDesign.NAME, "ops-struct");
        Scenario s = ScenarioParser.parse(ScenarioFiles.resolve("private-node-audit"));
        RunReport plugin = new ScenarioRunner(s, factory.setup(FixtureDesign.NAME, Duration.ZERO)).run();
        RunReport ops = new ScenarioRunner(s, factory.setup("ops-struct", Duration.ZERO)).run();
        assertThat(plugin.privacy().design()).isEqualTo(FixtureDesign.NAME);
        // it allows everything: the THISNODE kernel allocations leak onto the private node
        assertThat(plugin.privacy().count("leak")).isPositive();
        assertThat(ops.privacy().count("leak")).isZero();
        Comparison c = Comparison.of(s, new LinkedHashMap<>(Map.of("ops-struct", ops, FixtureDesign.NAME, plugin)));
        assertThat(TextReporter.comparison(c)).contains(FixtureDesign.NAME, "leak", "*");
    }

    @Test
    void compare_command_lists_every_design_and_marks_differences(@TempDir Path dir) {
        Samples.copyCxlJar(dir);
        Samples.Run r = Samples.mmproto("compare", "cxl-mempolicy", "--plugins", dir.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("ops-struct", "gfp-flag", "buddy-veto", "fallback-only", "memalloc-scope",
                "## private-node invariants", "## patch footprint", "EINVAL", "*", "PASS cxl-mempolicy under 7 designs");
    }

    @Test
    void a_driver_that_cannot_bind_its_node_is_an_error_naming_the_plugin_jar_and_scenario_line(@TempDir Path dir)
            throws Exception {
        Samples.copyCxlJar(dir.resolve("plugins"));
        Path scenario = dir.resolve("bad-bind.yaml");
        java.nio.file.Files.writeString(scenario, String.join("\n",
                "machine: private-cxl",
                "drivers:",
                "  - {plugin: cxl-mempolicy, node: 2, config: {zone: normal}}",
                "steps:",
                "  - check: {}", ""));
        Samples.Run r = Samples.mmproto("run", scenario.toString(), "--plugins", dir.resolve("plugins").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("bad-bind.yaml:3", "cxl-mempolicy", ".jar", "ZONE_NORMAL");
    }
}
