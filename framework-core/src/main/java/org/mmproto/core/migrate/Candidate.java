package org.mmproto.core.migrate;

import org.mmproto.core.task.Mappings;

/** One folio on migrate_pages()' list: an input folio, or a piece of a split one. */
final class Candidate {
    /** Index of the input folio it is (or came from). */
    final int input;
    final long pfn;
    final int order;
    final int srcNid;
    /** The rmap of the list it was indexed with (rebuilt for the pieces of a split). */
    final Mappings rmap;
    /** The target allocated by the unmap step and held until the move step ends. */
    long dst = -1;
    /** Node it now sits on, or the -errno of its last attempt. */
    int result;
    FailureCause cause = FailureCause.NOT_ATTEMPTED;
    /** Split after its target allocation failed: its pieces carry on. */
    boolean splitInto;
    /** migrate_folio_unmap calls made for it. */
    int unmapAttempts;

    Candidate(int input, long pfn, int order, int srcNid, Mappings rmap) {
        this.input = input;
        this.pfn = pfn;
        this.order = order;
        this.srcNid = srcNid;
        this.rmap = rmap;
    }

    long pages() {
        return 1L << order;
    }

    boolean large() {
        return order > 0;
    }

    /** folio_test_pmd_mappable: the THP counters count only these. */
    boolean thp() {
        return order >= FolioMove.HPAGE_PMD_ORDER;
    }

    void fail(FailureCause c, int errno) {
        cause = c;
        result = errno;
    }
}
