package org.mmproto.conformance;

import java.util.List;
import java.util.stream.Collectors;
import org.mmproto.api.driver.Hook;
import org.mmproto.core.fault.FaultInjector;

/**
 * The fault-injected runs of the kit per design and machine (CONTRACT R6.3), as {@code --fail}
 * specs, each armed once the driver is bound (the workload is under test, not bind()):
 * <ol>
 * <li>page allocations preferring the private node, migration target allocations and copies,
 * and calls of the hooks whose fallback is a refusal ({@link #DECISIONS}) throwing or answering
 * null: the hook failed before the driver saw the call, the engine refused, so the driver has
 * nothing to reconcile;
 * <li>one call of those hooks hanging past the budget, the middle one of the clean run's: the
 * driver's hook ran, its answer was never used (the fallback stood), and the driver is
 * quarantined (R3.4) from there on. The run is the clean one up to that call.
 * </ol>
 * Notifications (free_folio, folio_migrate, ...) are never faulted: a driver that was not told
 * cannot be consistent with what it missed.
 */
final class FaultPlan {
    /** The hooks whose fallback is a refusal, the only ones the kit's plans fault. */
    static final List<Hook> DECISIONS = List.of(Hook.ALLOC_VETO, Hook.MIGRATE_TO, Hook.MIGRATION_FILTER, Hook.LONGTERM_PIN);

    /** Every call may fail (times=-1), page_alloc also order-0, sleeping and highmem ones (fail_page_alloc skips those by default). */
    static final String ALLOC_AND_HOOKS = "page_alloc:nid=" + Machines.PRIVATE_NID + ",probability=10,times=-1"
            + ",min_order=0,ignore_gfp_wait=N,ignore_gfp_highmem=N"
            + ";migrate_target:probability=15,times=-1;migrate_copy:probability=15,times=-1"
            + ";driver_hook:hook=alloc_veto,probability=10,times=-1,mode=throw"
            + ";driver_hook:hook=migrate_to,probability=10,times=-1,mode=null"
            + ";driver_hook:hook=migration_filter,probability=10,times=-1,mode=throw"
            + ";driver_hook:hook=longterm_pin,probability=20,times=-1,mode=null";

    private FaultPlan() {
    }

    /** One hang, at the {@code nth} call of a {@link #DECISIONS} hook. */
    static String hang(long nth) {
        return "driver_hook:hook=" + DECISIONS.stream().map(Hook::kernelName).collect(Collectors.joining(","))
                + ",interval=" + nth + ",times=1,probability=100,mode=hang";
    }

    /**
     * The specs of each fault-injected run: {@code override} alone when the user gave one
     * (--fail), else the kit's two, the hang placed by the {@code clean} run's calls of the
     * decision hooks the driver overrides ({@code overridden}; none when it was asked none of them:
     * a default method's answer is the engine's, and the fault decorator cannot fault it).
     */
    static List<String> specs(List<String> override, RunTrace clean, java.util.Set<Hook> overridden) {
        if (!override.isEmpty()) {
            return List.of(String.join(";", override));
        }
        // only the hooks the driver overrides: the decorator cannot fault a default method's answer
        long decisions = clean.calls.stream().filter(c -> DECISIONS.contains(c.call().hook())
                && overridden.contains(c.call().hook()) && !c.call().contained()).count();
        return decisions == 0 ? List.of(ALLOC_AND_HOOKS) : List.of(ALLOC_AND_HOOKS, hang((decisions + 1) / 2));
    }

    /** A fresh injector of {@code spec}, drawing from {@code seed} (the workload's), disarmed until the driver is bound. */
    static FaultInjector injector(String spec, long seed) {
        FaultInjector f = FaultInjector.parse(List.of(spec), seed);
        f.arm(false);
        return f;
    }
}
