package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.mmproto.core.report.TextReporter;

/**
 * Every scenario under {@code scenarios/} runs and every expectation in it holds. The NUMA
 * syscall scenarios (see scenarios/README.md) hold only with the syscalls implemented.
 */
class BundledScenariosTest {
    @Test
    void the_bundled_directory_has_the_default_scenario_and_the_readme_lists_every_one() throws Exception {
        List<Path> files = ScenarioFiles.bundled();
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("default.yaml");
        Path dir = ScenarioFiles.bundledDir().orElseThrow();
        for (String name : ScenarioFiles.bundledNames()) {
            // a subdirectory's scenarios (thread/case-01-...) are listed in that directory's README
            int slash = name.lastIndexOf('/');
            Path readme = slash < 0 ? dir.resolve("README.md") : dir.resolve(name.substring(0, slash)).resolve("README.md");
            String base = name.substring(slash + 1);
            assertThat(java.nio.file.Files.readString(readme)).as(readme + " lists " + base).contains("| `" + base + "` |");
        }
        // the suites of issue 13 are bundled, under their directory's name
        assertThat(ScenarioFiles.bundledNames()).contains("thread/case-01-kernel-thisnode",
                "rfc-selftests/private_node_mbind").doesNotContain("rfc-selftests/two-private.machine");
        assertThat(ScenarioFiles.bundledNames().indexOf("default"))
                .as("top-level scenarios first").isLessThan(ScenarioFiles.bundledNames().indexOf("thread/case-01-kernel-thisnode"));
        assertThat(ScenarioFiles.resolve("thread/case-01-kernel-thisnode").toString().replace('\\', '/'))
                .endsWith("scenarios/thread/case-01-kernel-thisnode.yaml");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScenarioFiles.resolve("../pom"))
                .isInstanceOf(org.mmproto.core.config.ConfigException.class);
    }

    /**
     * Scenarios without driver plugins run here (the plugin jars are built after this module;
     * framework-it runs the others). A scenario on a machine with private nodes runs under every
     * built-in design, since its per-design expectations say what each must do.
     */
    @TestFactory
    Stream<DynamicTest> every_bundled_scenario_holds() {
        return ScenarioFiles.bundled().stream().flatMap(p -> {
            Scenario s = ScenarioParser.parse(p);
            if (!s.drivers().isEmpty()) {
                return Stream.empty();
            }
            boolean hasPrivate = s.machine().nodes().stream().anyMatch(n -> n.isPrivate());
            List<String> designs = hasPrivate ? List.copyOf(RunSetup.builtInDesigns().keySet()) : List.of(RunSetup.DEFAULT_DESIGN);
            return designs.stream().map(d -> DynamicTest.dynamicTest(p.getFileName() + " under " + d, () -> {
                RunReport r = new ScenarioRunner(s, RunSetup.builtIn().withDesign(d)).run();
                assertThat(r.passed()).as("%s", new Object() {
                    @Override
                    public String toString() {
                        return TextReporter.render(s, r);
                    }
                }).isTrue();
                assertThat(r.expectations()).as("%s has expectations", p).anyMatch(e -> !e.implicit());
            }));
        });
    }
}
