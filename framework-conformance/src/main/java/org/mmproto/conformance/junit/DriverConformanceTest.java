package org.mmproto.conformance.junit;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.ConformanceKit;
import org.mmproto.conformance.ConformanceReport;
import org.mmproto.conformance.DriverUnderTest;
import org.mmproto.conformance.Outcome;
import org.mmproto.conformance.Result;
import org.mmproto.conformance.Rule;
import org.mmproto.conformance.Rules;

/**
 * The conformance kit in a driver's own build: extend this class, name the driver class, its
 * plugin id and (optionally) its per-node configuration. Every rule of the contract is a test
 * factory of its own, named by its rule id ({@code R4.2 free notifications balance ...}; the method
 * is {@code R4_2}, what Surefire's default report shows), with one test per design ({@code under
 * ops-struct}) or one for the jar, failing with the scenario, step and seed, or aborted (skipped)
 * with the reason. With Surefire's phrased names (docs/writing-a-driver.md) a report's test case
 * reads {@code R4.2 free notifications balance ... under ops-struct}.
 *
 * <p>One instance runs the kit once, on first use, for all rules ({@code PER_CLASS}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayNameGeneration(RuleDisplayNames.class)
public abstract class DriverConformanceTest {
    private ConformanceReport report;

    /** The driver class under test (compiled against framework-api only). */
    protected abstract Class<? extends PrivateNodeDriver> driver();

    /** Its plugin id (the manifest's {@code Plugin-Id}). */
    protected abstract String pluginId();

    /** The per-node configuration its bindings get (a scenario's {@code config:}). */
    protected Map<String, Object> config() {
        return Map.of();
    }

    /**
     * The packaged plugin jar, when the test runs after {@code package}: by default the system
     * property {@value DriverUnderTest#JAR_PROPERTY} (a build's failsafe sets it, so every rule,
     * R1.1 and R3.8 included, runs on the jar the build ships); null (an IDE run) checks the class.
     */
    protected Path pluginJar() {
        String jar = System.getProperty(DriverUnderTest.JAR_PROPERTY);
        return jar == null || jar.isBlank() ? null : Path.of(jar);
    }

    /**
     * Rule ids this driver must be checked on (e.g. {@code "R6.3"}): a skip of one of them fails
     * its test instead of aborting it, so a build notices when a rule stops reaching its driver.
     * Default: none.
     */
    protected Set<String> required() {
        return Set.of();
    }

    /**
     * The kit's options: every built-in design (and the jar's own), seed 1, a 500 ms CPU-time
     * budget ({@link ConformanceKit.Options#defaults()}); {@code withPlugins(dir)} adds a
     * directory's design plugins.
     */
    protected ConformanceKit.Options options() {
        return ConformanceKit.Options.defaults();
    }

    /** The kit's report (run once, on first use): for a build's own assertions beyond the rules. */
    protected final ConformanceReport report() {
        if (report == null) {
            report = ConformanceKit.check(new DriverUnderTest.Type(driver(), pluginId(), pluginJar(), config()), options());
        }
        return report;
    }

    /** The tests of one rule: one per design it was checked under (or one for the jar). */
    private Stream<DynamicTest> rule(Rule rule) {
        return report().of(rule).stream().map(r -> DynamicTest.dynamicTest(
                Result.NO_DESIGN.equals(r.design()) ? "on the jar" : "under " + r.design(), () -> {
                    if (r.outcome() == Outcome.SKIPPED && required().contains(rule.id())) {
                        Assertions.fail(rule.id() + " under " + r.design() + " was skipped, and this build requires it: "
                                + r.detail());
                    }
                    Assumptions.assumeTrue(r.outcome() != Outcome.SKIPPED, r.detail());
                    Assertions.assertEquals(Outcome.PASS, r.outcome(), () -> rule.id() + " under " + r.design() + ": " + r.where());
                }));
    }

    // One factory per rule of Rules.ALL, in its order; the method name is the rule id with '_' for '.'.

    @TestFactory
    Stream<DynamicTest> R1_1() {
        return rule(Rules.DESCRIPTOR);
    }

    @TestFactory
    Stream<DynamicTest> R1_6() {
        return rule(Rules.CAPACITY);
    }

    @TestFactory
    Stream<DynamicTest> R3_1() {
        return rule(Rules.NO_THROW);
    }

    @TestFactory
    Stream<DynamicTest> R3_2() {
        return rule(Rules.NO_NULL);
    }

    @TestFactory
    Stream<DynamicTest> R3_3() {
        return rule(Rules.BUDGET);
    }

    @TestFactory
    Stream<DynamicTest> R3_8() {
        return rule(Rules.API_PURITY);
    }

    @TestFactory
    Stream<DynamicTest> R4_1() {
        return rule(Rules.VETO);
    }

    @TestFactory
    Stream<DynamicTest> R4_2() {
        return rule(Rules.FREE_BALANCE);
    }

    @TestFactory
    Stream<DynamicTest> R4_3() {
        return rule(Rules.LONGTERM_PIN);
    }

    @TestFactory
    Stream<DynamicTest> R4_4() {
        return rule(Rules.FILTER_REFUSAL);
    }

    @TestFactory
    Stream<DynamicTest> R5_3() {
        return rule(Rules.OPT_INS);
    }

    @TestFactory
    Stream<DynamicTest> R6_1() {
        return rule(Rules.DETERMINISTIC);
    }

    @TestFactory
    Stream<DynamicTest> R6_2() {
        return rule(Rules.CAPABILITIES);
    }

    @TestFactory
    Stream<DynamicTest> R6_3() {
        return rule(Rules.FAULTS);
    }

    @TestFactory
    Stream<DynamicTest> R6_4() {
        return rule(Rules.LIFECYCLE);
    }
}
