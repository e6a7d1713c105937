package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every scenario under {@code scenarios/} runs and every expectation in it holds. The NUMA
 * syscall scenarios (see scenarios/README.md) hold only with the syscalls implemented.
 */
class BundledScenariosTest {
    @Test
    void the_bundled_directory_has_the_default_scenario_and_the_readme_lists_every_one() throws Exception {
        List<Path> files = ScenarioFiles.bundled();
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("default.yaml");
        String readme = java.nio.file.Files.readString(ScenarioFiles.bundledDir().orElseThrow().resolve("README.md"));
        for (String name : ScenarioFiles.bundledNames()) {
            assertThat(readme).as("scenarios/README.md lists " + name).contains("| `" + name + "` |");
        }
    }

    @TestFactory
    Stream<DynamicTest> every_bundled_scenario_holds() {
        return ScenarioFiles.bundled().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            Scenario s = ScenarioParser.parse(p);
            RunReport r = new ScenarioRunner(s).run();
            assertThat(r.passed()).as("%s", new Object() {
                @Override
                public String toString() {
                    return TextReport.render(s, r);
                }
            }).isTrue();
            assertThat(r.expectations()).as("%s has expectations", p).anyMatch(e -> !e.implicit());
        }));
    }
}
