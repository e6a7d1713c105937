package org.mmproto.api.design;

import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;

/**
 * A user folio allocation that concerns private node {@code nid}: a fault under a policy naming
 * it ({@code site} PAGE_ALLOC, {@code policyNodes} the policy's nodes, {@code bind} whether the
 * policy is MPOL_BIND, {@code onlyPrivate} whether every node it names is a private node), or a
 * migration target on it ({@code site} MIGRATE_TARGET, {@code reason}; no policy).
 * {@code localNid} is the node the zonelist walk would start from: the policy's home node when
 * a BIND or PREFERRED_MANY policy has one, else the acting task's node. A policy naming several
 * private nodes is one allocation with one of these per private node (contract R4.14).
 */
public record UserAllocation(int nid, Gfp gfp, int order, Site site, MigrateReason reason, NodeMask policyNodes,
                             boolean bind, boolean onlyPrivate, int localNid, TaskRef task,
                             boolean mpolPrivate) {
    /**
     * Without MPOL_F_PRIVATE on the policy ({@code mpolPrivate}: a device-lifetime policy a
     * device mmap gave, CONTRACT R7.2).
     */
    public UserAllocation(int nid, Gfp gfp, int order, Site site, MigrateReason reason, NodeMask policyNodes,
                          boolean bind, boolean onlyPrivate, int localNid, TaskRef task) {
        this(nid, gfp, order, site, reason, policyNodes, bind, onlyPrivate, localNid, task, false);
    }

    /** A fault (not a migration target). */
    public boolean fault() {
        return site == Site.PAGE_ALLOC;
    }
}
