package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.AllocContext;
import org.mmproto.api.design.AllocGate;
import org.mmproto.api.design.Design;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.design.UserAllocation;
import org.mmproto.api.driver.Decisions.PinAction;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Verdict;

/**
 * {@code unpatched}: mainline Linux 6.12, which has no private nodes. The node the machine marks
 * private is ordinary memory: in N_MEMORY, in every node's fallback list, in every task's
 * mems_allowed; every allocation, policy and migration goes through; a freed folio returns to
 * the buddy unannounced; a longterm pin migrates a ZONE_MOVABLE folio away first and pins any
 * other in place; nothing is write-protected, reclaim and compaction run, khugepaged collapses.
 * It never consults a driver. It is the baseline every other design is measured against, and
 * it leaks everywhere: that is the point of it. Its answers are the {@link Design} defaults;
 * the built-in designs extend it for the helpers below and override the sites their patches
 * change, so each design class lists exactly its departures. set_mempolicy_home_node accepts
 * any online node (Site.HOME_NODE), and the home node starts a BIND or PREFERRED_MANY walk
 * whether the mask holds it or not (policy_nodemask).
 */
public class Unpatched implements Design {
    @Override
    public String name() {
        return "unpatched";
    }

    @Override
    public String summary() {
        return "mainline 6.12 baseline: the private node is ordinary memory, no driver is ever asked";
    }

    @Override
    public String source() {
        return "Linux 6.12 (no private-node patches)";
    }

    /** The unpatched kernel's longterm-pin decision for a folio in {@code zone}. */
    public static PinAction mainlinePin(ZoneType zone) {
        return zone == ZoneType.MOVABLE ? PinAction.MIGRATE_THEN_PIN : PinAction.PIN_IN_PLACE;
    }

    static final ReclaimPolicy MAINLINE_RECLAIM = ReclaimPolicy.MAINLINE;
    static final ReclaimPolicy NO_RECLAIM = ReclaimPolicy.NONE;

    // ---- helpers the patched designs share ----

    /** The __GFP_PRIVATE gate (numa_zone_alloc_allowed) of the flag designs. */
    static Verdict privateFlagGate(AllocGate gate) {
        return gate.request().gfp().has(Gfp.__GFP_PRIVATE) ? Verdict.ALLOW
                : Verdict.deny(Errno.ENOMEM, "private zone skipped: mask lacks __GFP_PRIVATE");
    }

    /** A policy may name the node only if the driver opted into {@code flag}. */
    static Verdict policyNeeds(DriverAccess driver, NpOps flag) {
        return driver.has(flag) ? Verdict.ALLOW
                : Verdict.deny(Errno.EINVAL, "node has no " + flag + " (mpol_set_nodemask)");
    }

    /** As {@link #policyNeeds} for a v5 capability. */
    static Verdict policyNeeds(DriverAccess driver, NodeCap cap) {
        return driver.has(cap) ? Verdict.ALLOW
                : Verdict.deny(Errno.EINVAL, "node has no " + cap);
    }

    /**
     * A folio may move onto (ENODEV otherwise, as move_pages validates the node) or off (-ENOENT,
     * as for a ZONE_DEVICE folio) the node only with the opt-in; null = it may.
     */
    static Verdict migrationNeeds(boolean optedIn, String what, boolean onto) {
        if (optedIn) {
            return null;
        }
        return onto ? Verdict.deny(Errno.ENODEV, "target node has no " + what)
                : Verdict.deny(Errno.ENOENT, "folio on a node without " + what);
    }

    /** The node-validation answer of move_pages / migrate_pages: ENODEV without the opt-in. */
    static Verdict nodeNeeds(boolean optedIn, String what) {
        return optedIn ? Verdict.ALLOW : Verdict.deny(Errno.ENODEV, "target node has no " + what);
    }

    /**
     * RFC patch 13 (policy_nodemask): a BIND whose start node (the home node if the policy has
     * one, else the local node) is not in the mask starts from the mask's first node, for faults
     * and for migration targets allocated by policy alike.
     */
    static AllocContext bindStartsInMask(UserAllocation r, AllocContext c) {
        if (r.bind() && r.policyNodes() != null && !r.policyNodes().contains(r.localNid())) {
            return c.startingAt(r.policyNodes().first());
        }
        return c;
    }
}
