package org.mmproto.core.report;

import java.io.PrintStream;
import java.util.List;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.Scenario;

/**
 * One output format of {@code run} and {@code compare} ({@code --format NAME}), as Caffeine's
 * simulator puts its table and CSV reports behind one {@code Reporter}. A format is one class
 * registered in {@link Reporters}; the runner and the commands only hand it what happened.
 *
 * <p>A run is reported as it goes (a streaming format prints each step as it finishes); a
 * comparison is handed over whole, one per scenario (a directory compares several).
 */
public interface Reporter {
    /** The {@code --format} name. */
    String format();

    /** Whether {@code run --format} offers this format. */
    default boolean reportsRuns() {
        return true;
    }

    /** Whether {@code compare --format} offers this format. */
    default boolean reportsComparisons() {
        return true;
    }

    /**
     * Opens the report of one run, before its first step.
     *
     * @param onlyFailingSteps a long scenario without {@code --verbose}: print only the steps whose
     *                         expectation failed
     */
    RunOutput openRun(Scenario scenario, boolean onlyFailingSteps, PrintStream out);

    /** Opens the report of {@code scenarios} comparisons (more than one: a directory). */
    ComparisonOutput openComparisons(int scenarios, PrintStream out);

    /** The report of one run in progress. */
    interface RunOutput {
        /** One step finished, with the expectations compared on its line. */
        default void step(RunReport.StepResult step, List<RunReport.ExpectationResult> expectations) {
        }

        /** The run ended. */
        void end(RunReport report);
    }

    /** The report of one or more comparisons. */
    interface ComparisonOutput {
        /** One scenario compared across the designs. */
        void add(Comparison comparison);

        /** Every scenario was compared (or skipped as a bad file). */
        default void end() {
        }
    }
}
