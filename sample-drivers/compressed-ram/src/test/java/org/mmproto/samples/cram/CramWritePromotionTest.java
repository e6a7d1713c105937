package org.mmproto.samples.cram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.TaskRef;

/** v4 handle_fault (CONTRACT R4.7): write_promotions counts promotions that moved the folio, not the faults asked. */
class CramWritePromotionTest {
    private static final TaskRef APP = new TaskRef(100, "app", 1000);
    private static final long BASE = 0x80000;

    private static FolioRef at(long pfn, int nid) {
        return new FolioRef(pfn, 0, nid, ZoneType.NORMAL, true, 1);
    }

    @Test
    void a_promotion_counts_when_its_copy_leaves_the_node_and_a_failed_one_does_not() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = new CompressedRamDriver();
        d.bind(new NodeBinding(2, ctx.pages, ZoneType.NORMAL, Map.of()), ctx);

        assertThat(d.handleFault(new FaultRequest(at(BASE, 2), 0x7f0000000000L, APP))).isEqualTo(FaultAction.PROMOTE);
        assertThat(ctx.stat("write_promotions")).as("asked, not yet moved").isZero();
        d.folioMigrate(at(BASE, 2), at(0x100, 0)); // the engine's MR_NUMA_MISPLACED copy to node 0
        assertThat(ctx.stat("write_promotions")).isEqualTo(1);

        // node 0 full: the migration fails, the fault returns -ENOMEM, no folio_migrate comes
        d.handleFault(new FaultRequest(at(BASE + 1, 2), 0x7f0000001000L, APP));
        assertThat(ctx.stat("write_promotions")).isEqualTo(1);
        // a later migration of another folio is not the failed promotion's
        d.folioMigrate(at(BASE + 2, 2), at(0x101, 0));
        assertThat(ctx.stat("write_promotions")).isEqualTo(1);
    }
}
