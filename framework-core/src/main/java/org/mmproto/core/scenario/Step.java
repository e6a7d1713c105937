package org.mmproto.core.scenario;

import java.util.List;
import org.mmproto.core.scenario.Expectations.Expectation;
import org.mmproto.core.scenario.Expectations.Expected;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One step of a scenario: an operation with the arguments as written, its source line, an
 * optional label and an optional {@code expect:}. Tasks, mappings, memfds and kernel-allocation
 * groups are referred to by name; the runner binds names to the objects the run created.
 *
 * <p>Each operation is one record in the {@code step} subpackage: its arguments, how it runs, its
 * summary line and the op-specific fields an expectation may compare; its {@code StepType} reads
 * it from YAML, and {@code StepTypes} lists every type.
 */
public interface Step {
    /**
     * The parts every step has: where it is written, its operation key, label, expectation and
     * observation ({@code observe:}: compared and reported like an expectation, never failing the run).
     */
    record Meta(int line, String op, String label, Expectation expect, Expectation observe) {
        public Meta(int line, String op, String label, Expectation expect) {
            this(line, op, label, expect, null);
        }
    }

    Meta meta();

    /** The same step with other meta (the parser attaches the expectation once the step is read). */
    Step withMeta(Meta meta);

    /** Runs the step; a step that cannot run throws {@link StepError}. */
    StepOutcome run(RunContext run);

    default int line() {
        return meta().line();
    }

    default String op() {
        return meta().op();
    }

    /** The calling task, or null for steps that run in no task. */
    default String task() {
        return null;
    }

    /**
     * Whether the step returns a value that {@code result:} compares; such a step without
     * {@code result:} is expected to succeed.
     */
    default boolean hasResult() {
        return true;
    }

    /** Why the step takes no {@code expect:}, or null when it takes one. */
    default String refusesExpect() {
        return null;
    }

    /** The op-specific output fields an expectation may compare ({@code status}, {@code landed}, ...). */
    default List<String> expectFields() {
        return List.of();
    }

    /** The expected value of one of {@link #expectFields()}; a number or comparison unless the op says otherwise. */
    default Expected expectField(String key, Node value, ExpectationParser p) {
        return p.compare(value, false);
    }

    /** The actual value of one of {@link #expectFields()} after the step ran. */
    default Object readField(String key, StepOutcome o) {
        return o.get(key);
    }
}
