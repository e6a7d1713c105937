package org.mmproto.conformance;

import java.util.List;
import org.mmproto.core.fault.FaultInjector;

/**
 * The faults of the kit's third run per machine (CONTRACT R6.3), as {@code --fail} specs: page
 * allocations preferring the private node, migration target allocations and copies, and driver
 * hook calls whose fallback is a refusal (alloc_veto, migrate_to, migration_filter,
 * longterm_pin: the driver was not asked and nothing happened, so it has nothing to reconcile)
 * throwing or answering null. On the movable machine one hook call hangs past the budget too:
 * the driver is quarantined (R3.4) from there on, so its own reports are no longer held to the
 * baseline (it is told of no free after that). Notifications (free_folio, folio_migrate) are
 * never faulted: a driver that was not told cannot be consistent with what it missed.
 */
final class FaultPlan {
    static final String ALLOC_AND_HOOKS = "page_alloc:nid=" + Machines.PRIVATE_NID + ",probability=10"
            + ";migrate_target:probability=15;migrate_copy:probability=15"
            + ";driver_hook:hook=alloc_veto,probability=10,mode=throw"
            + ";driver_hook:hook=migrate_to,probability=10,mode=null"
            + ";driver_hook:hook=migration_filter,probability=10,mode=throw"
            + ";driver_hook:hook=longterm_pin,probability=20,mode=null";
    /** One hang, at the 40th hook call of the run (later than bind and the first round's decisions). */
    static final String HANG = "driver_hook:interval=40,times=1,mode=hang";

    private FaultPlan() {
    }

    /** The specs for {@code machine}: {@code override} when the user gave one (--fail), else the kit's. */
    static String spec(Machines.Variant machine, List<String> override) {
        if (!override.isEmpty()) {
            return String.join(";", override);
        }
        return machine.zone() == org.mmproto.api.ZoneType.MOVABLE ? ALLOC_AND_HOOKS + ";" + HANG : ALLOC_AND_HOOKS;
    }

    /** A fresh injector of {@code spec}, drawing from {@code seed} (the workload's). */
    static FaultInjector injector(String spec, long seed) {
        return FaultInjector.parse(List.of(spec), seed);
    }
}
