package org.mmproto.conformance;

import java.util.List;

/**
 * Every result of one kit run, rule by rule and design by design.
 *
 * @param driver what was checked (the plugin id and where it came from)
 * @param designs the designs it was checked under, in order
 * @param loadError why the jar did not load (exit status 2), null when it did
 */
public record ConformanceReport(String driver, List<String> designs, long seed, List<Result> results, String loadError) {
    public ConformanceReport {
        designs = List.copyOf(designs);
        results = List.copyOf(results);
    }

    public boolean requiredFailure() {
        return results.stream().anyMatch(Result::requiredFailure);
    }

    public List<Result> of(Rule r) {
        return results.stream().filter(x -> x.rule().equals(r)).toList();
    }

    /** The ids of the rules that failed under some design. */
    public List<String> failedRules() {
        return results.stream().filter(r -> r.outcome() == Outcome.FAIL).map(r -> r.rule().id()).distinct().toList();
    }
}
