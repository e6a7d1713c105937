package org.mmproto.samples.probe;

import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Verdict;
import org.pf4j.Extension;

/**
 * A probe for the "unless opted in" halves of the design matrix: its opt-ins (v4 {@code np_ops},
 * v5 {@code caps}) and the answers of alloc_veto, migrate_to and longterm_pin come from the
 * scenario's per-node config ({@link ProbeConfig}). It implements exactly those hooks,
 * reclaim_policy (default, or may swap) and folio_migrate (which NP_OPS_MIGRATION requires, CONTRACT R5.3), so a design that consults the
 * driver gets the configured answer and every call is counted by the host.
 */
@Extension
public final class OptInProbeDriver implements PrivateNodeDriver {
    private ProbeConfig config;

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext context) {
        config = ProbeConfig.parse(binding.nid(), binding.config());
        return config.caps() == null ? new NodeOptIns(config.flags()) : new NodeOptIns(config.flags(), config.caps());
    }

    @Override
    public Verdict allocVeto(AllocRequest request) {
        return config.refuseAlloc() == null ? Verdict.ALLOW
                : Verdict.deny(config.refuseAlloc(), "opt-in-probe: alloc_veto configured to refuse");
    }

    @Override
    public MigrateTo migrateTo(MigrationRequest request) {
        return config.refuseMigrateTo() == null ? MigrateTo.ACCEPT : MigrateTo.refuse(config.refuseMigrateTo());
    }

    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        // notification only: the probe has no device state to update
    }

    @Override
    public ReclaimPolicy reclaimPolicy(int nid) {
        return config.reclaimMaySwap() ? new ReclaimPolicy(true, true, true, false) : ReclaimPolicy.DEFAULT;
    }

    @Override
    public Verdict longtermPin(PinRequest request) {
        return config.refusePin() == null ? Verdict.ALLOW
                : Verdict.deny(config.refusePin(), "opt-in-probe: longterm_pin configured to refuse");
    }
}
