package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code ops-struct}: the RFC v4 series as posted ("[RFC PATCH v4 00/27] Private Memory Nodes
 * (w/ Compressed RAM)", G. Price, 22 Feb 2026). Private nodes are N_MEMORY_PRIVATE, outside
 * every other node's fallback list (patch 4); the page allocator skips their zones unless the
 * mask carries {@code __GFP_PRIVATE} (patches 2-3: numa_zone_alloc_allowed), which mempolicy
 * injects for policies naming a node that opted into NP_OPS_MEMPOLICY (patch 13) and drivers'
 * migrate_to add as GFP_PRIVATE. Each mm call site checks the node's NP_OPS_* flag (patches
 * 12-20) and calls the driver's node_private_ops: free_folio on the two free paths v4 wired,
 * {@code __folio_put} and {@code folios_put_refs} (patch 10) — a plain {@code __free_pages} is
 * not wired, so such frees go unnotified; migrate_to/folio_migrate for migration (patch 12);
 * handle_fault for write-protected nodes (patch 15); a longterm pin is allowed only with
 * NP_OPS_LONGTERM_PIN, else the migration target allocation lacks __GFP_PRIVATE and the pin
 * fails with -ENOMEM, leaving the folio where it is (patch 20). There is no allocation veto
 * callback in v4: the gate is the GFP flag alone.
 */
public final class OpsStruct extends Unpatched {
    @Override
    public String name() {
        return "ops-struct";
    }

    @Override
    public String summary() {
        return "RFC v4: __GFP_PRIVATE gate + per-node NP_OPS_* flags at each site + node_private_ops callbacks";
    }

    @Override
    public String source() {
        return "[RFC PATCH v4 00/27] Private Memory Nodes (w/ Compressed RAM), 2026-02-22, patches 1-23";
    }

    /** v4 promises free_folio wherever a folio's last reference goes: the unwired __free_pages path breaks it. */
    @Override
    public boolean notifiesFree(FreePath path) {
        return true;
    }

    /** folio_split for each new folio, then once with none (patch 11). */
    @Override
    public boolean notifiesSplit() {
        return true;
    }

    /** folio_migrate after the copy, before the mapping is restored (patch 12). */
    @Override
    public boolean notifiesMigration() {
        return true;
    }

    /** The callback table can carry a teardown notification too (mmproto's addition for accelerators). */
    @Override
    public boolean notifiesTeardown() {
        return true;
    }

    /** memory_failure callback, notification only (patch 21). */
    @Override
    public boolean notifiesMemoryFailure() {
        return true;
    }

    @Override
    public Verdict alloc(AllocRequest request, DriverAccess driver) {
        return privateFlagGate(request);
    }

    @Override
    public FreeAction free(FreeEvent event, DriverAccess driver) {
        if (event.path() == FreePath.FREE_PAGES) {
            return FreeAction.RETURN_TO_BUDDY; // v4 wired free_folio into __folio_put and folios_put_refs only
        }
        return driver.freeFolio(event);
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return policyNeeds(driver, NpOps.NP_OPS_MEMPOLICY);
    }

    @Override
    public Verdict migrate(MigrationRequest request, boolean onto, DriverAccess driver) {
        Verdict needs = migrationNeeds(driver, NpOps.NP_OPS_MIGRATION, onto);
        if (needs != null) {
            return needs;
        }
        if (onto && request.folio() != null) {
            MigrateTo answer = driver.migrateTo(request);
            if (!answer.accept()) {
                return Verdict.deny(answer.refusal() == null ? Errno.ENOMEM : answer.refusal(), "migrate_to refused");
            }
        }
        return Verdict.ALLOW;
    }

    @Override
    public PinAction longtermPin(PinRequest request, DriverAccess driver) {
        // without the flag the migration target allocation lacks __GFP_PRIVATE: -ENOMEM, folio stays
        return driver.has(NpOps.NP_OPS_LONGTERM_PIN) ? PinAction.PIN_IN_PLACE : PinAction.REFUSE;
    }

    @Override
    public boolean writeProtected(DriverAccess driver) {
        return driver.has(NpOps.NP_OPS_PROTECT_WRITE);
    }

    @Override
    public FaultAction writeFault(FaultRequest request, DriverAccess driver) {
        return driver.handleFault(request);
    }

    @Override
    public Gfp userAllocationGfp(Gfp gfp, Site site, DriverAccess driver) {
        // MPOL_F_PRIVATE (patch 13) at fault time; GFP_PRIVATE in migrate_to's target allocation
        boolean optedIn = site == Site.MIGRATE_TARGET ? driver.has(NpOps.NP_OPS_MIGRATION) : driver.has(NpOps.NP_OPS_MEMPOLICY);
        return optedIn ? gfp.or(Gfp.__GFP_PRIVATE) : gfp;
    }
}
