package org.mmproto.core.scenario.step;

import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.Step.Meta;
import org.yaml.snakeyaml.nodes.Node;

/**
 * One scenario operation as the parser sees it: its YAML key, how its arguments are read and
 * checked, and (for "defined later" hints) the argument whose value names something the step
 * creates. Each step record holds its type as {@code TYPE}; {@link StepTypes} lists them.
 *
 * @param op          the operation key ({@code mmap}, {@code touch}, ...)
 * @param parser      reads the step's arguments
 * @param definesKey  the argument naming what the step creates ({@code name}, {@code child}), or null
 * @param definesKind what it creates: {@code mapping}, {@code task}, {@code memfd} or {@code allocation}
 */
public record StepType(String op, Parser parser, String definesKey, String definesKind) {
    /** Reads one step's arguments, checking them against what exists at this step. */
    @FunctionalInterface
    public interface Parser {
        /**
         * @param opKey the operation key's node (errors about missing arguments point at it)
         * @param value the arguments, or null when absent or YAML null
         */
        Step parse(ParseContext p, Meta meta, Node opKey, Node value);
    }

    public static StepType of(String op, Parser parser) {
        return new StepType(op, parser, null, null);
    }

    /** The same type, noting that argument {@code key} names a new {@code kind}. */
    public StepType defines(String key, String kind) {
        return new StepType(op, parser, key, kind);
    }
}
