package org.mmproto.conformance;

import java.util.List;
import java.util.Optional;

/** The rules the kit checks, in the order of framework-api/CONTRACT.md. */
public final class Rules {
    public static final Rule DESCRIPTOR = new Rule("R1.1", "descriptor and Plugin-Requires compatible: the jar loads",
            "the jar's manifest and extensions.idx; loading", null, false);
    public static final Rule CAPACITY = new Rule("R1.6", "capacity and pressure reports consistent, back to baseline when all is freed",
            "DriverContext.reportCapacity/reportPressure; every design", null, true);
    public static final Rule NO_THROW = new Rule("R3.1", "hooks do not throw for valid requests",
            "every hook the design asks; every design", null, true);
    public static final Rule NO_NULL = new Rule("R3.2", "hooks do not return null",
            "every hook the design asks; every design", null, true);
    public static final Rule BUDGET = new Rule("R3.3", "hooks answer within the budget",
            "every hook the design asks; every design", null, true);
    public static final Rule API_PURITY = new Rule("R3.8", "the jar references no host class (bytecode)",
            "every class file of the jar", null, false);
    public static final Rule VETO = new Rule("R4.1", "a veto leaves no page of the request on the node",
            "alloc_veto, wherever a design asks it (built in: buddy-veto at page_handout; a design plugin may ask it"
            + " too): the driver's own denial binds the allocation call, whatever the design then answers", null, true);
    public static final Rule FREE_BALANCE = new Rule("R4.2", "free notifications balance on every path: each promised free notified, kept folios released, no path's frees ignored",
            "free_folio; ops-struct (folio_put, folios_put_refs), buddy-veto (every path), task exit included", null, true);
    public static final Rule LONGTERM_PIN = new Rule("R4.3", "the longterm-pin answer is consistent with the zone and the declared capabilities: no pin allowed in"
            + " ZONE_MOVABLE, ALLOW pins in place, Deny fails with -ENOMEM and leaves the folio; an undeclared driver is never asked"
            + " and its folio is not pinned on the node under a design with the opt-in",
            "longterm_pin and FOLL_LONGTERM pins of the node's pages; every design (declared: ops-struct asks it; undeclared: never"
            + " asked, pinned in place only under designs without the opt-in)", null, true);
    public static final Rule FILTER_REFUSAL = new Rule("R4.4", "a migration filter's refusal leaves the folio where and as it was",
            "migration_filter; move_pages and migrate_pages off the node (ops-struct)", "NP_OPS_MIGRATION", true);
    public static final Rule OPT_INS = new Rule("R5.3", "declared opt-ins consistent with the implemented hooks (NP_OPS dependency rules)",
            "bind(); every design", null, true);
    public static final Rule DETERMINISTIC = new Rule("R6.1", "answers deterministic: equal inputs (same seed) give equal answers",
            "every hook; every design", null, true);
    public static final Rule CAPABILITIES = new Rule("R6.2", "declared capabilities match behaviour",
            "mbind/set_mempolicy (anonymous and shared memfd), move_pages; every design (longterm pins: R4.3)"
                + " (an opted-out driver: only designs that refuse the mbind or have the opt-in; the others are exempt)", null, true);
    public static final Rule FAULTS = new Rule("R6.3", "state consistent under injected faults (allocation, migration failures, hook timeouts)",
            "every hook; every design", null, true);
    public static final Rule LIFECYCLE = new Rule("R6.4", "start/stop/unload/reload leaves nothing registered",
            "the plugin's load, bind, close and a second load", null, false);

    public static final List<Rule> ALL = List.of(DESCRIPTOR, CAPACITY, NO_THROW, NO_NULL, BUDGET, API_PURITY, VETO,
            FREE_BALANCE, LONGTERM_PIN, FILTER_REFUSAL, OPT_INS, DETERMINISTIC, CAPABILITIES, FAULTS, LIFECYCLE);

    private Rules() {
    }

    public static Optional<Rule> byId(String id) {
        return ALL.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
