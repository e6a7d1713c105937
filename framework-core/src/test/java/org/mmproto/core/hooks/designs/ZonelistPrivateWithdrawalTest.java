package org.mmproto.core.hooks.designs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.ZonelistKind;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * v5 CRAM's back-pressure under zonelist-private: the owner's published zone withdrawal
 * (DriverContext.withdrawAllocation, zone_set_no_alloc) refuses demotion onto the node and the
 * node's allocations, and reading it calls no hook (v5 has no callbacks).
 */
class ZonelistPrivateWithdrawalTest {
    private static final FolioRef FOLIO = new FolioRef(0x1000, 0, 0, ZoneType.NORMAL, true, 1);

    /** A CRAM-like node (RECLAIM | DEMOTION) whose hooks must never be called. */
    private static final class Node implements DriverAccess {
        boolean withdrawn;

        @Override public int nid() { return 2; }
        @Override public boolean present() { return true; }
        @Override public NodeOptIns optIns() {
            return new NodeOptIns(EnumSet.noneOf(NpOps.class),
                    EnumSet.of(NodeCap.NODE_PRIVATE_CAP_RECLAIM, NodeCap.NODE_PRIVATE_CAP_DEMOTION));
        }
        @Override public boolean allocationWithdrawn() { return withdrawn; }
        @Override public Verdict allocVeto(Requests.AllocRequest r) { throw new AssertionError("alloc_veto"); }
        @Override public FreeAction freeFolio(Requests.FreeEvent e) { throw new AssertionError("free_folio"); }
        @Override public Verdict longtermPin(Requests.PinRequest r) { throw new AssertionError("longterm_pin"); }
        @Override public Verdict migrationFilter(Requests.MigrationRequest r) { throw new AssertionError("migration_filter"); }
        @Override public MigrateTo migrateTo(Requests.MigrationRequest r) { throw new AssertionError("migrate_to"); }
        @Override public FaultAction handleFault(Requests.FaultRequest r) { throw new AssertionError("handle_fault"); }
        @Override public ReclaimPolicy reclaimPolicy() { throw new AssertionError("reclaim_policy"); }
        @Override public int pressure() { throw new AssertionError("pressure"); }
    }

    @Test
    void a_withdrawn_zone_refuses_demotion_and_allocation_without_a_callback() {
        ZonelistPrivate d = new ZonelistPrivate();
        Node n = new Node();
        Requests.MigrationRequest demote = new Requests.MigrationRequest(FOLIO, 0, 2, MigrateReason.MR_DEMOTION,
                TaskRef.KERNEL);
        AllocGate target = new AllocGate(new Requests.AllocRequest(2, 0, Gfp.parse("GFP_HIGHUSER_MOVABLE"), 2,
                TaskRef.KERNEL, true, MigrateReason.MR_DEMOTION), ZonelistKind.PRIVATE, false);
        assertThat(d.demotion(demote, n)).isEqualTo(Verdict.ALLOW);
        assertThat(d.alloc(target, n)).isEqualTo(Verdict.ALLOW);

        n.withdrawn = true; // the admission gate closed, converge_block or migration_blocked
        assertThat(d.demotion(demote, n)).isInstanceOfSatisfying(Verdict.Deny.class,
                v -> assertThat(v.errno()).isEqualTo(Errno.ENOSPC));
        assertThat(d.alloc(target, n)).isInstanceOfSatisfying(Verdict.Deny.class,
                v -> assertThat(v.errno()).isEqualTo(Errno.ENOMEM));

        n.withdrawn = false;
        assertThat(d.demotion(demote, n)).isEqualTo(Verdict.ALLOW);
    }
}
