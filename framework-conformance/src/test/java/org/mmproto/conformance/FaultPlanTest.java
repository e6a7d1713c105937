package org.mmproto.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.FreeEvent;

/** R6.3's hang run faults only a decision hook the driver overrides (the decorator cannot fault a default). */
class FaultPlanTest {
    /** Overrides no decision hook: buddy-veto's alloc_veto calls answer the API's default. */
    public static class NoDecisions implements PrivateNodeDriver {
        @Override
        public NodeOptIns bind(NodeBinding b, DriverContext c) {
            return new NodeOptIns(EnumSet.noneOf(NpOps.class));
        }

        @Override
        public FreeAction freeFolio(FreeEvent e) {
            return FreeAction.RETURN_TO_BUDDY;
        }
    }

    @Test
    void a_driver_that_overrides_no_decision_hook_gets_no_hang_run_that_injects_nothing() {
        ConformanceReport r = ConformanceKit.check(new DriverUnderTest.Type(NoDecisions.class, "no-decisions", null, Map.of()),
                new ConformanceKit.Options("buddy-veto", 1, Duration.ofMillis(200)));
        Result faults = r.of(Rules.FAULTS).get(0);
        assertThat(faults.outcome()).as(faults.detail()).isEqualTo(Outcome.PASS);
        // a hang run on alloc_veto would inject nothing (a default method): "not faulted: no fault was injected"
        assertThat(faults.detail()).doesNotContain("not faulted", "hang");
    }
}
