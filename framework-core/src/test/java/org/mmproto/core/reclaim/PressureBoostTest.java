package org.mmproto.core.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.testkit.TestMachines;

/**
 * A driver's pressure (R1.6) becomes the watermark_boost of its node's first populated zone as
 * the design says: RFC v4's cram_set_pressure (managed × pressure / 1000) under ops-struct for a
 * node opted into reclaim, nothing under mainline; the boost raises every watermark and wakes
 * the node's kswapd at the next tick.
 */
class PressureBoostTest {
    private static final int P = 2;

    /** Reports the pressure it is told at bind. */
    static final class Reporter implements PrivateNodeDriver {
        DriverContext ctx;

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
            this.ctx = ctx;
            return new NodeOptIns(java.util.EnumSet.of(NpOps.NP_OPS_RECLAIM), java.util.EnumSet.noneOf(org.mmproto.api.driver.NodeCap.class));
        }
    }

    private static Kernel boot(Design d, Reporter r) {
        return Kernel.boot(TestMachines.dramDramCxl(64L << 20, 64L << 20, true), d,
                List.of(new DriverSpec("reporter", () -> r, P, Map.of(), "test", 1)), Duration.ZERO);
    }

    private static Zone first(Kernel k) {
        return k.mem().node(P).zones().stream().filter(z -> z.managedPages() > 0).findFirst().orElseThrow();
    }

    @Test
    void ops_struct_boosts_by_managed_times_pressure_and_wakes_kswapd_at_the_next_tick() {
        Reporter r = new Reporter();
        Kernel k = boot(new OpsStruct(), r);
        Zone z = first(k);
        long high = z.watermark(Zone.WMARK_HIGH);

        r.ctx.reportPressure(500);

        assertThat(z.watermarkBoost()).isEqualTo(z.managedPages() * 500 / 1000);
        assertThat(z.watermark(Zone.WMARK_HIGH)).isEqualTo(high + z.watermarkBoost());
        assertThat(k.reclaim().kswapdWoken(P)).as("the wake waits for the tick").isFalse();
        k.reclaim().tick(1);
        assertThat(k.reclaim().kswapdWakeups(P)).isEqualTo(1);

        r.ctx.reportPressure(0);
        assertThat(z.watermarkBoost()).isZero();
        assertThat(z.watermark(Zone.WMARK_HIGH)).isEqualTo(high);
    }

    @Test
    void mainline_has_no_path_from_pressure_to_the_watermarks() {
        Reporter r = new Reporter();
        Kernel k = boot(new Unpatched(), r);

        r.ctx.reportPressure(1000);
        k.reclaim().tick(1);

        assertThat(first(k).watermarkBoost()).isZero();
        assertThat(k.reclaim().kswapdWakeups(P)).isZero();
    }
}
