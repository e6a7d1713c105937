package org.mmproto.conformance.junit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
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
 * plugin id and (optionally) its per-node configuration; every rule of the contract then
 * appears as a test container named by its rule id ({@code R4.2 free notifications balance ...})
 * with one test per design, failing with the scenario, step and seed, or aborted (skipped) with
 * the reason.
 */
public abstract class DriverConformanceTest {
    /** The driver class under test (compiled against framework-api only). */
    protected abstract Class<? extends PrivateNodeDriver> driver();

    /** Its plugin id (the manifest's {@code Plugin-Id}). */
    protected abstract String pluginId();

    /** The per-node configuration its bindings get (a scenario's {@code config:}). */
    protected Map<String, Object> config() {
        return Map.of();
    }

    /** The packaged plugin jar, when the test runs after {@code package}; null checks the class alone. */
    protected Path pluginJar() {
        return null;
    }

    /** The kit's options: every design, seed 1, a 500 ms budget ({@link ConformanceKit.Options#defaults()}). */
    protected ConformanceKit.Options options() {
        return ConformanceKit.Options.defaults();
    }

    @TestFactory
    List<DynamicNode> conformance() {
        ConformanceReport report = ConformanceKit.check(new DriverUnderTest.Type(driver(), pluginId(), pluginJar(), config()),
                options());
        List<DynamicNode> out = new ArrayList<>();
        for (Rule rule : Rules.ALL) {
            List<DynamicTest> tests = new ArrayList<>();
            for (Result r : report.of(rule)) {
                tests.add(DynamicTest.dynamicTest(rule.id() + " [" + r.design() + "]", () -> {
                    Assumptions.assumeTrue(r.outcome() != Outcome.SKIPPED, r.detail());
                    Assertions.assertEquals(Outcome.PASS, r.outcome(), () -> rule.id() + " under " + r.design() + ": " + r.where());
                }));
            }
            out.add(DynamicContainer.dynamicContainer(rule.id() + " " + rule.title(), tests));
        }
        return out;
    }
}
