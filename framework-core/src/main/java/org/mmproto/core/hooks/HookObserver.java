package org.mmproto.core.hooks;

import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Site;

/**
 * Sees every call the engine makes to a bound driver, with its request and answer, and every
 * page landing on a private node: what the conformance kit (framework-conformance) checks the
 * contract's rules against. One per run, installed on its {@link Containment}; it runs on the
 * engine's thread after the call returned and must not call back into the engine.
 */
public interface HookObserver {
    /** Observes nothing (the default of every run). */
    HookObserver NONE = new HookObserver() {
        @Override
        public void called(Call call) {
        }
    };

    /**
     * One driver call.
     *
     * @param request what the driver was handed (an API request record, a node id, or the
     *                {@code [src, dst]} / {@code [original, split]} pair of a notification)
     * @param answer what the engine used: the driver's answer, or the site's fallback when {@code contained}
     * @param contained R3 contained it (threw, null, timeout, quarantined, forbidden call)
     * @param nanos how long the call took, containment included
     */
    record Call(int nid, Site site, Hook hook, Object request, Object answer, boolean contained, long nanos) {
    }

    void called(Call call);

    /**
     * A page block at {@code pfn} was handed out on private node {@code nid} (not the driver's own);
     * {@code vetoedInCall}: earlier in the same {@code __alloc_pages} call the node's driver denied
     * alloc_veto, whatever the design then answered, or the design denied after asking it
     * (CONTRACT R4.1 says this never happens).
     */
    default void landed(int nid, long pfn, boolean vetoedInCall) {
    }
}
