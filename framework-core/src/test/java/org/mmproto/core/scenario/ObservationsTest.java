package org.mmproto.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.report.JsonReporter;
import org.mmproto.core.report.TextReporter;

/**
 * {@code observe:}: compared per design like an expectation, reported, never failing a run; its
 * {@code others:} covers the designs the step's {@code expect:} does not name.
 */
class ObservationsTest {
    private static final String HEAD = "machine: private-normal\nthp: never\ntasks: [{name: a, cpu: 0}]\nsteps:\n";

    private static RunReport run(Path dir, String steps, String design) throws Exception {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, HEAD + steps);
        return new ScenarioRunner(ScenarioParser.parse(f), RunSetup.builtIn().withDesign(design)).run();
    }

    // set_mempolicy(BIND, {2}) without a driver: fallback-only refuses it (EINVAL), ops-struct too
    // (no NP_OPS_MEMPOLICY), unpatched accepts it
    private static final String BIND = "  - set_mempolicy: {task: a, mode: MPOL_BIND, nodemask: \"2\"}\n";

    @Test
    void an_observation_that_differs_is_reported_and_the_run_still_passes(@TempDir Path dir) throws Exception {
        RunReport r = run(dir, BIND + "    expect: {ops-struct: EINVAL}\n    observe: {others: EINVAL}\n", "unpatched");
        assertThat(r.passed()).isTrue();
        assertThat(r.observations()).singleElement().satisfies(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.expected()).isEqualTo("EINVAL");
            assertThat(o.actual()).isEqualTo("ok");
        });
        assertThat(r.observationsDiffering()).isEqualTo(1);
        assertThat(TextReporter.render(ScenarioParser.parse(dir.resolve("s.yaml")), r))
                .contains("# observations (never a failure): 1 compared, 1 not as written", "differs set_mempolicy result");
        assertThat(JsonReporter.render(r)).contains("\"observations\"", "\"held\" : false");
    }

    @Test
    void an_observed_result_replaces_the_implicit_must_succeed(@TempDir Path dir) throws Exception {
        // without the observation, an unexpected EINVAL of a step with no result: would fail the run
        RunReport plain = run(dir, BIND, "fallback-only");
        assertThat(plain.passed()).isFalse();
        RunReport observed = run(dir, BIND + "    observe: EINVAL\n", "fallback-only");
        assertThat(observed.passed()).isTrue();
        assertThat(observed.observations()).singleElement().satisfies(o -> assertThat(o.passed()).isTrue());
    }

    @Test
    void others_covers_only_the_designs_expect_does_not_name(@TempDir Path dir) throws Exception {
        RunReport ops = run(dir, BIND + "    expect: {ops-struct: EINVAL}\n    observe: {others: EINVAL}\n", "ops-struct");
        assertThat(ops.observations()).isEmpty();
        assertThat(ops.expectations()).anyMatch(e -> !e.implicit() && e.passed() && e.expected().equals("EINVAL"));
        // the expectation still fails where it is wrong: observations do not weaken it
        RunReport wrong = run(dir, BIND + "    expect: {unpatched: EINVAL}\n    observe: {others: ok}\n", "unpatched");
        assertThat(wrong.passed()).isFalse();
    }

    @Test
    void a_design_neither_expected_nor_observed_is_still_an_error(@TempDir Path dir) {
        assertThatThrownBy(() -> run(dir, BIND + "    expect: {ops-struct: EINVAL}\n    observe: {gfp-flag: EINVAL}\n",
                "unpatched")).isInstanceOf(ConfigException.class).hasMessageContaining("observe this design");
    }

    @Test
    void an_observed_breach_is_not_an_expected_one(@TempDir Path dir) throws Exception {
        // unpatched: a THISNODE kernel allocation on the private node is a leak; observing it does not excuse it
        String leak = "  - alloc_pages: {gfp: GFP_KERNEL|__GFP_THISNODE, nid: 2, name: k}\n";
        RunReport observed = run(dir, leak + "    observe: {breaches: {leak: 1}}\n", "unpatched");
        assertThat(observed.observations()).singleElement().satisfies(o -> assertThat(o.passed()).isTrue());
        assertThat(observed.passed()).isFalse();
        RunReport expected = run(dir, leak + "    expect: {breaches: {leak: 1}}\n", "unpatched");
        assertThat(expected.passed()).isTrue();
    }
}
