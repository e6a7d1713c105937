package org.mmproto.core.hooks;

import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Verdict;

/**
 * The migration target being allocated by policy while {@link Dispatcher#migrationTarget} runs:
 * which private nodes were decided for the folio (once each, however many allocation calls and
 * passes the policy makes) and which refused. Allocations nested inside the target allocation are
 * not the target and are not held to it.
 */
final class PendingTarget {
    /** Asks the MIGRATE_TARGET site for folio {@code src} arriving on {@code to}. */
    interface Onto {
        Verdict ask(long src, int to, MigrateReason reason);
    }

    private long src = -1;
    private int srcNid;
    private MigrateReason reason;
    private Onto onto;
    private long asked;
    private long refused;
    private Verdict refusal;
    private int nested;

    void begin(long src, MigrateReason reason, Onto onto, int srcNid) {
        this.src = src;
        this.reason = reason;
        this.onto = onto;
        this.srcNid = srcNid;
        asked = refused = 0;
        refusal = null;
    }

    boolean isFor(long pfn) {
        return src >= 0 && src == pfn;
    }

    void end() {
        src = -1;
        onto = null;
    }

    void nested(boolean enter) {
        nested += enter ? 1 : -1;
    }

    /** Whether the target allocation may take pages of private node {@code nid}; decides it first. */
    boolean mayUse(int nid) {
        if (src < 0 || nested > 0 || nid == srcNid) {
            return true;
        }
        long bit = 1L << nid;
        if ((asked & bit) == 0) {
            asked |= bit;
            Verdict v = onto.ask(src, nid, reason);
            if (!v.allowed()) {
                refused |= bit;
                refusal = v;
            }
        }
        return (refused & bit) == 0;
    }

    Verdict refusal() {
        return refusal;
    }
}
