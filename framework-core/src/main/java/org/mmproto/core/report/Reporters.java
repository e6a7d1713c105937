package org.mmproto.core.report;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The output formats, by {@code --format} name: the one place a new format is registered. The
 * {@code *_FORMATS} labels are the commands' {@code --format} help (annotation values must be
 * constants); {@code ReportersTest} keeps them equal to the registered names.
 */
public final class Reporters {
    /** {@code run --format}'s parameter label. */
    public static final String RUN_FORMATS = "text|json";
    /** {@code compare --format}'s parameter label. */
    public static final String COMPARE_FORMATS = "text|markdown|json";

    private final List<Reporter> all;

    public Reporters(List<Reporter> reporters) {
        this.all = List.copyOf(reporters);
    }

    /** The built-in formats, in the order the help lists them. */
    public static Reporters builtIn() {
        return new Reporters(List.of(new TextReporter(), new MarkdownReporter(), new JsonReporter()));
    }

    /** The formats {@code run} offers, in registration order. */
    public List<Reporter> forRuns() {
        return all.stream().filter(Reporter::reportsRuns).toList();
    }

    /** The formats {@code compare} offers, in registration order. */
    public List<Reporter> forComparisons() {
        return all.stream().filter(Reporter::reportsComparisons).toList();
    }

    /** The run format of this name (any case); the message says which exist otherwise. */
    public Reporter forRun(String name) {
        return find(name, Reporter::reportsRuns);
    }

    /** The compare format of this name (any case); the message says which exist otherwise. */
    public Reporter forComparison(String name) {
        return find(name, Reporter::reportsComparisons);
    }

    private Reporter find(String name, Predicate<Reporter> offered) {
        for (Reporter r : all) {
            if (offered.test(r) && r.format().equalsIgnoreCase(name)) {
                return r;
            }
        }
        // worded as picocli words a bad enum value, which --format was before it had a registry
        throw new IllegalArgumentException(String.format(Locale.ROOT, "expected one of %s (case-insensitive) but was '%s'",
                offered(offered), name));
    }

    private List<String> offered(Predicate<Reporter> offered) {
        return all.stream().filter(offered).map(Reporter::format).toList();
    }
}
