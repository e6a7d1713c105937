package org.mmproto.core.hooks.designs;

import org.mmproto.api.Errno;
import org.mmproto.api.design.DriverAccess;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/**
 * {@code fallback-only}: the June 2026 "soft guarantee" (Balbir Singh thread and Gregory's reply,
 * private-nodes-rfc.md §12): no GFP flag and no callbacks; a private node sits only in its own
 * no-fallback list, so only {@code __GFP_THISNODE} (or a BIND nodemask naming it) reaches it.
 * set_mempolicy naming it is EINVAL, mbind is allowed. Everything else is mainline: folios move
 * on and off freely, a longterm pin of a ZONE_MOVABLE folio migrates it away first (the escape
 * §11.4 warns about), frees are not reported and nothing is write-protected. Readings marked [I]
 * in design-matrix.md are kept: kernel THISNODE allocations land on the node (case 1, the leak
 * David's audit is about).
 */
public final class FallbackOnly extends Unpatched {
    @Override
    public String name() {
        return "fallback-only";
    }

    @Override
    public String summary() {
        return "June soft guarantee: node only in its own no-fallback list; __GFP_THISNODE reaches it, nothing asked";
    }

    @Override
    public String source() {
        return "Balbir Singh / G. Price, May-June 2026 (ahOqzpzAua96HVkn .. aik_ddHymus2DJ6D)";
    }

    @Override
    public Verdict policyTarget(Site site, TaskRef task, DriverAccess driver) {
        return site == Site.MBIND ? Verdict.ALLOW
                : Verdict.deny(Errno.EINVAL, "set_mempolicy may not name a private node (fallback-only)");
    }
}
