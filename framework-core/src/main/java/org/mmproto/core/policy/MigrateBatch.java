package org.mmproto.core.policy;

import java.util.List;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.migrate.Migration;

/**
 * migrate_pages() on a syscall's isolated list (MIGRATE_SYNC, the isolation already asked the
 * design about private sources), with the kernel's return value: the number of folios not
 * migrated, or -ENOMEM when a target allocation for a small folio failed. The engine then stops
 * as the kernel does: folios before it keep their result, it and every later folio stay where
 * they are and the later ones are not attempted (checked on realkernel 6.12: move_pages onto a
 * full node returns ENOMEM after moving what fitted; pgmigrate_fail grows by one). A large folio
 * whose target cannot be allocated is split and its pieces tried once (migrate_pages_batch).
 */
final class MigrateBatch {
    /** Per-folio outcome of a folio the call never reached. */
    static final int NOT_ATTEMPTED = Migration.NOT_ATTEMPTED;

    /**
     * @param ret the kernel's return value: folios not migrated, or -ENOMEM
     * @param outcome per folio: its node now, -errno, or {@link #NOT_ATTEMPTED}
     */
    record Result(long ret, int[] outcome) {
    }

    private MigrateBatch() {
    }

    /**
     * @param targetNid the node the caller names (move_pages, migrate_pages), or -1 when the
     *     policy's allocation decides (mbind)
     */
    static Result migrate(PolicyServices k, List<Long> folios, int targetNid, Migration.TargetAlloc target, MigrateReason reason) {
        Migration.Result r = k.migration().migrate(folios, targetNid, target, Migration.Mode.MIGRATE_SYNC, reason,
                Migration.Origin.ISOLATED);
        return new Result(r.ret(), r.outcome().clone());
    }
}
