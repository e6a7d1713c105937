package org.mmproto.core.report;

import java.util.EnumSet;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Verdict;

/**
 * A driver for the report tests: at bind it reports pressure 250, a capacity of 100 pages and
 * a driver statistic {@code poison} of 0; every allocation veto it is asked counts one more
 * {@code vetoes_seen} (so the counter must equal the engine's own count of alloc_veto calls).
 */
public final class CountingDriver implements PrivateNodeDriver {
    private DriverContext ctx;
    private long asked;

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext context) {
        this.ctx = context;
        context.reportPressure(250);
        context.reportCapacity(100);
        context.reportStat("poison", 0);
        return new NodeOptIns(EnumSet.noneOf(org.mmproto.api.driver.NpOps.class));
    }

    @Override
    public Verdict allocVeto(AllocRequest request) {
        ctx.reportStat("vetoes_seen", ++asked);
        return Verdict.ALLOW;
    }
}
