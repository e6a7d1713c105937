package org.mmproto.conformance;

/**
 * One rule under one design: its outcome and, for a failure, where it showed (the scenario, the
 * step) and the seed that reproduces it; for a skip, why.
 *
 * @param design the design's name, or {@code "-"} for a rule checked once per jar
 * @param scenario the workload and machine that showed a failure ("" otherwise)
 * @param step the step of the workload ("" when the failure is not a step's)
 * @param detail what was wrong, why the rule was skipped, or what a pass exercised ("" when nothing to say)
 */
public record Result(Rule rule, String design, Outcome outcome, String scenario, String step, long seed, String detail) {
    public static final String NO_DESIGN = "-";

    public static Result pass(Rule r, String design, long seed) {
        return new Result(r, design, Outcome.PASS, "", "", seed, "");
    }

    /** A pass that says what it exercised (e.g. R6.3: the faults injected). */
    public static Result pass(Rule r, String design, long seed, String exercised) {
        return new Result(r, design, Outcome.PASS, "", "", seed, exercised);
    }

    public static Result skip(Rule r, String design, long seed, String why) {
        return new Result(r, design, Outcome.SKIPPED, "", "", seed, why);
    }

    public static Result fail(Rule r, String design, String scenario, String step, long seed, String detail) {
        return new Result(r, design, Outcome.FAIL, scenario, step, seed, detail);
    }

    /**
     * A failure (exit status 1): a required rule, or a conditional one whose declaration the
     * driver made (a conditional rule that does not apply is skipped, never failed).
     */
    public boolean requiredFailure() {
        return outcome == Outcome.FAIL;
    }

    /** The failure as a reader reproduces it. */
    public String where() {
        if (outcome != Outcome.FAIL) {
            return detail;
        }
        StringBuilder sb = new StringBuilder();
        if (!scenario.isEmpty()) {
            sb.append(scenario);
            if (!step.isEmpty()) {
                sb.append(", ").append(step);
            }
            sb.append(", seed ").append(seed).append(": ");
        }
        return sb.append(detail).toString();
    }
}
