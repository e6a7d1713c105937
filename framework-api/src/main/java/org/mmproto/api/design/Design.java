package org.mmproto.api.design;

import org.mmproto.api.Gfp;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;
import org.pf4j.ExtensionPoint;

/**
 * One proposal for keeping private nodes private: at each mm call site that touches a private
 * node, decide what happens, consulting the node's driver through {@link DriverAccess} as the
 * proposal would. Implementations read top to bottom as "at this site, this design does that".
 */
public interface Design extends ExtensionPoint {
    /** The name scenarios and --design use, e.g. "ops-struct". */
    String name();

    /** One line for `mmproto designs`. */
    String summary();

    /** The mail or patch series it follows. */
    String source();

    /**
     * Whether the design promises the driver a free_folio call for every folio of its node freed
     * through {@code path} (the "unnotified free" invariant holds the design to it).
     */
    default boolean notifiesFree(org.mmproto.api.FreePath path) {
        return false;
    }

    /** Whether the driver hears folio_split when a large folio of its node is split (the callback table's). */
    default boolean notifiesSplit() {
        return false;
    }

    /** Whether the driver hears folio_migrate after a folio of its node was copied (the callback table's). */
    default boolean notifiesMigration() {
        return false;
    }

    /**
     * Whether the driver hears when a task's mapping of its node is torn down (munmap, exit): what
     * accelerator drivers use instead of free callbacks. Not in the RFC; a callback-table design
     * can carry it.
     */
    default boolean notifiesTeardown() {
        return false;
    }

    /** Whether the driver hears of hardware memory failures on its node (the RFC's memory_failure callback). */
    default boolean notifiesMemoryFailure() {
        return false;
    }

    /** A page allocation is about to take pages of the private node (numa_zone_alloc_allowed). */
    Verdict alloc(AllocRequest request, DriverAccess driver);

    /** A folio of the private node reached refcount zero. */
    FreeAction free(FreeEvent event, DriverAccess driver);

    /** set_mempolicy or mbind names the private node ({@code site} tells which). */
    Verdict policyTarget(Site site, TaskRef task, DriverAccess driver);

    /** A folio moves onto ({@code onto} = true) or off the private node. */
    Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver);

    /** A FOLL_LONGTERM pin of a folio on the private node. */
    PinAction longtermPin(PinRequest request, DriverAccess driver);

    /** Whether user PTEs of folios on the node are mapped read-only (write faults then reach {@link #writeFault}). */
    boolean writeProtected(DriverAccess driver);

    /** A write fault on a write-protected page of the node. */
    FaultAction writeFault(FaultRequest request, DriverAccess driver);

    /**
     * The gfp mask the engine uses for a user allocation aimed at a private node: a fault under
     * a policy that names the node ({@link Site#PAGE_ALLOC}) or a migration target on it
     * ({@link Site#MIGRATE_TARGET}). Designs with a GFP flag add it here (MPOL_F_PRIVATE,
     * GFP_PRIVATE); others leave the mask alone.
     */
    default Gfp userAllocationGfp(Gfp gfp, Site site, DriverAccess driver) {
        return gfp;
    }
}
