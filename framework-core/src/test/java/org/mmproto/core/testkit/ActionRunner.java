package org.mmproto.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A small seeded action-sequence runner (stateful property testing without jqwik): a sequence of
 * steps is drawn from a seed, run against a fresh state with the invariants checked after every
 * step, and a failing sequence is shrunk by dropping chunks and single steps while it still
 * fails. The failure message carries the seed and the shrunk sequence, so a run is reproduced by
 * its seed alone.
 *
 * @param <S> the system under test
 */
public final class ActionRunner<S> {

    /** One step: a description, when it applies to the current state, and what it does. */
    public record Step<S>(String description, Predicate<S> precondition, java.util.function.Consumer<S> effect) {
        public static <S> Step<S> always(String description, java.util.function.Consumer<S> effect) {
            return new Step<>(description, s -> true, effect);
        }
    }

    private final Supplier<S> initial;
    private final BiFunction<SplittableRandom, Integer, Step<S>> generator;
    private final Function<S, List<String>> invariants;
    private int maxShrinkRuns = 400;

    public ActionRunner(Supplier<S> initial, BiFunction<SplittableRandom, Integer, Step<S>> generator,
                        Function<S, List<String>> invariants) {
        this.initial = initial;
        this.generator = generator;
        this.invariants = invariants;
    }

    public ActionRunner<S> maxShrinkRuns(int n) {
        this.maxShrinkRuns = n;
        return this;
    }

    /** Draws {@code length} steps from {@code seed}; runs them; throws AssertionError on failure. */
    public S run(long seed, int length) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Step<S>> steps = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            steps.add(generator.apply(rnd, i));
        }
        Outcome<S> first = execute(steps);
        if (first.failure == null) {
            return first.state;
        }
        List<Step<S>> shrunk = shrink(steps.subList(0, first.failedAt + 1));
        Outcome<S> last = execute(shrunk);
        StringBuilder msg = new StringBuilder();
        msg.append("property failed with seed ").append(seed).append(" at step ").append(first.failedAt)
                .append(" of ").append(length).append(": ").append(first.failure).append('\n');
        msg.append("shrunk to ").append(shrunk.size()).append(" steps (fails with: ").append(last.failure).append("):\n");
        for (int i = 0; i < shrunk.size(); i++) {
            msg.append(String.format("  %3d  %s%n", i, shrunk.get(i).description()));
        }
        throw new AssertionError(msg.toString());
    }

    private record Outcome<S>(S state, String failure, int failedAt) {
    }

    private Outcome<S> execute(List<Step<S>> steps) {
        S s = initial.get();
        for (int i = 0; i < steps.size(); i++) {
            Step<S> step = steps.get(i);
            try {
                if (!step.precondition().test(s)) {
                    continue;
                }
                step.effect().accept(s);
                List<String> broken = invariants.apply(s);
                if (!broken.isEmpty()) {
                    return new Outcome<>(s, String.join("; ", broken), i);
                }
            } catch (RuntimeException | AssertionError e) {
                return new Outcome<>(s, e.toString(), i);
            }
        }
        return new Outcome<>(s, null, -1);
    }

    /** Drops halves, quarters, ... then single steps, keeping any removal that still fails. */
    private List<Step<S>> shrink(List<Step<S>> failing) {
        List<Step<S>> cur = new ArrayList<>(failing);
        int runs = 0;
        for (int chunk = Math.max(1, cur.size() / 2); chunk >= 1 && runs < maxShrinkRuns; chunk /= 2) {
            int start = 0;
            while (start < cur.size() && runs < maxShrinkRuns) {
                List<Step<S>> candidate = new ArrayList<>(cur.subList(0, start));
                candidate.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                runs++;
                if (!candidate.isEmpty() && execute(candidate).failure != null) {
                    cur = candidate;
                } else {
                    start += chunk;
                }
            }
        }
        return cur;
    }
}
