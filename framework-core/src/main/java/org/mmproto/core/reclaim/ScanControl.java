package org.mmproto.core.reclaim;

import org.mmproto.api.driver.Decisions.ReclaimPolicy;

/**
 * {@code struct scan_control} for one node: who reclaims, how much, at which priority (the
 * lists are scanned {@code size >> priority} at a time), and what the node's reclaim policy
 * allows (swap: may_swap; write-back: may_writepage).
 */
final class ScanControl {
    static final int DEF_PRIORITY = 12;
    static final int SWAP_CLUSTER_MAX = 32;

    final int nid;
    /** Null for reclaim_pages (MADV_PAGEOUT), which counts no pgscan_* / pgsteal_*. */
    final Reclaimer who;
    final ReclaimPolicy policy;
    /** Reclaim stops once {@link #nrReclaimed} reaches this (nr_to_reclaim, as an absolute count). */
    long reclaimGoal;
    int priority = DEF_PRIORITY;
    long nrScanned;
    long nrReclaimed;

    ScanControl(int nid, Reclaimer who, ReclaimPolicy policy) {
        this.nid = nid;
        this.who = who;
        this.policy = policy;
    }
}
