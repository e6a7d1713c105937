package org.mmproto.core.mm;

import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.ZonelistKind;

/**
 * The context of one {@code __alloc_pages} call, as the folio entry point prepared it: the
 * zonelist it selected, whether it is a folio allocation, the private nodes its caller aims at
 * (a user policy or a migration the design let through), and the migration reason. Confined to
 * the call: an allocation nested inside it starts from {@link #reset()} values. It also
 * remembers, per private node, the dispatcher's answers in this call, so that a node is decided
 * once per call whatever the number of zones, passes and retries.
 */
public final class AllocCall {
    ZonelistKind zonelist = ZonelistKind.DEFAULT;
    boolean folio;
    long intent;
    MigrateReason reason;
    long gateAsked;
    long gateOk;
    long handoutAsked;
    long handoutOk;
    long kswapdWoken;
    /** The nodes whose pages the dispatcher asked a driver about in this call (consent). */
    public long consented;
    /** The nodes whose driver denied alloc_veto in this call (CONTRACT R4.1: no page of theirs may follow). */
    public long vetoed;

    void reset() {
        zonelist = ZonelistKind.DEFAULT;
        folio = false;
        intent = 0;
        reason = null;
        gateAsked = gateOk = handoutAsked = handoutOk = kswapdWoken = consented = vetoed = 0;
    }

    void copyRequest(AllocCall from) {
        zonelist = from.zonelist;
        folio = from.folio;
        intent = from.intent;
        reason = from.reason;
        gateAsked = gateOk = handoutAsked = handoutOk = kswapdWoken = consented = vetoed = 0;
    }

    public ZonelistKind zonelist() {
        return zonelist;
    }

    public boolean folio() {
        return folio;
    }

    /** Whether the caller aims at private node {@code nid} (its policy or migration target names it). */
    public boolean intends(int nid) {
        return (intent & (1L << nid)) != 0;
    }

    public MigrateReason reason() {
        return reason;
    }
}
