package org.mmproto.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.ConformanceKit;
import org.mmproto.conformance.FaultRunsTest;

/**
 * The base class as a driver's build runs it: tests named by rule id and design, a skip aborted,
 * and a skip of a rule the build {@link DriverConformanceTest#required() requires} failed.
 */
class DriverConformanceTestTest {
    /** The kit on one design with a fault that never fires: R6.3 ends as a skip. */
    abstract static class NoFaultReaches extends DriverConformanceTest {
        @Override
        protected Class<? extends PrivateNodeDriver> driver() {
            return FaultRunsTest.BooksArrivals.class;
        }

        @Override
        protected String pluginId() {
            return "books-arrivals";
        }

        @Override
        protected ConformanceKit.Options options() {
            return ConformanceKit.Options.defaults().withDesign("ops-struct").withFaults(List.of("page_alloc:nid=7"));
        }
    }

    static class Lenient extends NoFaultReaches {
    }

    static class RequiresFaults extends NoFaultReaches {
        @Override
        protected Set<String> required() {
            return Set.of("R6.3");
        }
    }

    /** "method()[n]: outcome" of each test (not container) the class ran. */
    private static List<String> run(Class<?> test) {
        List<String> out = new ArrayList<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(test)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                        if (id.isTest()) {
                            out.add(id.getLegacyReportingName() + ": " + r.getStatus());
                        }
                    }

                    @Override
                    public void executionSkipped(TestIdentifier id, String reason) {
                        out.add(id.getLegacyReportingName() + ": SKIPPED");
                    }
                });
        return out;
    }

    @Test
    void a_skip_is_aborted_unless_the_build_requires_the_rule() {
        // (R3.8 reads this module's test classes, which reference core classes: not what is tested here)
        assertThat(run(Lenient.class)).contains("R6_3()[1]: ABORTED", "R4_2()[1]: SUCCESSFUL");
        assertThat(run(RequiresFaults.class)).contains("R6_3()[1]: FAILED", "R4_2()[1]: SUCCESSFUL");
    }
}
