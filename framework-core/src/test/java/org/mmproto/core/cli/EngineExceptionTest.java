package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.report.TextReporter;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * An exception inside a step is an engine bug: the run fails (exit status 1) with one line naming
 * file:line and the op, even under {@code expect: {result: any}}; the stack trace only with -v.
 */
class EngineExceptionTest {
    /** A design whose allocation answer is a bug: every private-node allocation throws. */
    public static final class ThrowingDesign extends Unpatched {
        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public String summary() {
            return "throws from alloc";
        }

        @Override
        public String source() {
            return "test";
        }

        @Override
        public Verdict alloc(org.mmproto.api.design.AllocGate gate, DriverAccess driver) {
            throw new IllegalStateException("boom in the design");
        }
    }

    private static ScenarioRunner runner() {
        Map<String, Supplier<Design>> designs = new java.util.TreeMap<>(RunSetup.builtInDesigns());
        designs.put("throwing", ThrowingDesign::new);
        RunSetup setup = new RunSetup(designs, Map.of(), java.time.Duration.ZERO, "throwing", null, Map.of());
        return new ScenarioRunner(ScenarioParser.parse("""
                machine: private-cxl
                steps:
                  - alloc_pages: {gfp: "GFP_HIGHUSER_MOVABLE|__GFP_THISNODE", nid: 2, name: k}
                    expect: {result: any}
                """, "boom.yaml", java.nio.file.Path.of(".")), setup);
    }

    @Test
    void an_exception_fails_the_run_even_when_any_result_is_expected_with_one_line_naming_the_step() {
        ScenarioRunner runner = runner();
        RunReport r = runner.run();
        assertThat(r.passed()).isFalse(); // RunCommand exits 1
        assertThat(r.steps().get(0).result()).isEqualTo("exception");
        String footer = TextReporter.footer(r);
        assertThat(footer).contains("boom.yaml:3: alloc_pages threw java.lang.IllegalStateException: boom in the design");
        assertThat(footer).doesNotContain("\tat ");
        assertThat(runner.exceptions()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(3);
            assertThat(e.op()).isEqualTo("alloc_pages");
        });
    }

    @Test
    void verbose_prints_the_stack_trace_of_each_step_exception() {
        ScenarioRunner runner = runner();
        runner.run();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RunCommand.printStackTraces("boom.yaml", runner.exceptions(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String err = buf.toString(StandardCharsets.UTF_8);
        assertThat(err).startsWith("boom.yaml:3: alloc_pages threw:").contains("IllegalStateException: boom",
                "\tat org.mmproto.core.cli.EngineExceptionTest$ThrowingDesign.alloc");
    }
}
