package org.mmproto.api.design;

import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Verdict;

/**
 * A design's handle on the driver of one private node. Every call goes through the dispatcher,
 * which counts it as a consultation of that hook and contains a misbehaving driver (a throw,
 * null or an overrun budget becomes a denial, or an undelivered event). {@link #present()} is
 * false for a node no driver bound; then every call answers the contract's default.
 */
public interface DriverAccess {
    int nid();

    boolean present();

    NodeOptIns optIns();

    default boolean has(NpOps flag) {
        return optIns().has(flag);
    }

    /** A v5 capability, declared or mapped from the v4 flags ({@link NodeOptIns#effectiveCaps()}). */
    default boolean has(NodeCap cap) {
        return optIns().has(cap);
    }

    Verdict allocVeto(AllocRequest request);

    FreeAction freeFolio(FreeEvent event);

    Verdict longtermPin(PinRequest request);

    Verdict migrationFilter(MigrationRequest request);

    MigrateTo migrateTo(MigrationRequest request);

    FaultAction handleFault(FaultRequest request);

    ReclaimPolicy reclaimPolicy();

    int pressure();

    /**
     * Whether the node's owner has withdrawn its memory from allocation
     * ({@code DriverContext.withdrawAllocation}, v5 CRAM's zone_set_no_alloc): state the driver
     * published, read without calling it (no hook is consulted). False without a driver.
     */
    default boolean allocationWithdrawn() {
        return false;
    }
}
