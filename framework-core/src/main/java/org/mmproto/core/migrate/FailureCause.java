package org.mmproto.core.migrate;

import org.mmproto.api.Errno;

/**
 * Why migrate_pages() left a folio where it was (or that it did not: {@link #MIGRATED}). The
 * errno is the one mm/migrate.c returns for the cause: -EAGAIN causes are retried until the
 * passes run out, -ENOMEM stops the call, the others are permanent for the call.
 */
public enum FailureCause {
    MIGRATED(0),
    /** folio_maybe_dma_pinned: try_to_migrate cannot unmap it (migrate_folio_unmap). */
    PINNED(-Errno.EAGAIN.code()),
    /** The refcount is above what the mappings and the page cache explain (folio_migrate_mapping). */
    EXTRA_REFS(-Errno.EAGAIN.code()),
    /** Not an LRU folio (the zero page, a kernel page): never isolated. */
    NOT_ISOLATED(-Errno.EBUSY.code()),
    /** get_new_folio returned NULL. */
    TARGET_ALLOC(-Errno.ENOMEM.code()),
    /** The design or the node's driver said no (MIGRATE_SOURCE / MIGRATE_TARGET); errno from the verdict. */
    REFUSED(-Errno.EBUSY.code()),
    /** The copy failed (folio_mc_copy on a poisoned source; an injected migrate_copy fault): permanent. */
    COPY_FAILED(-Errno.EIO.code()),
    /** A -ENOMEM stopped the call before it reached this folio. */
    NOT_ATTEMPTED(0);

    private final int defaultErrno;

    FailureCause(int defaultErrno) {
        this.defaultErrno = defaultErrno;
    }

    /** The -errno the cause gives unless the verdict named another (REFUSED). */
    public int defaultErrno() {
        return defaultErrno;
    }
}
