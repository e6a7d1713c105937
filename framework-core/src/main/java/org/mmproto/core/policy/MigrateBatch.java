package org.mmproto.core.policy;

import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.stats.VmStat;

/**
 * migrate_pages() on an isolated list, with the kernel's return value: the number of folios not
 * migrated, or -ENOMEM when a target allocation for a small folio failed. In that case the
 * kernel stops: folios before it keep their result, it and every later folio stay where they are
 * and the later ones are not attempted (checked on realkernel 6.12: move_pages onto a full node
 * returns ENOMEM after moving what fitted; pgmigrate_fail grows by one). The engine's
 * {@link Migration} runs the whole list, so the target allocator is switched off after the first
 * failure and the failure counts of the folios it then refuses are taken back.
 *
 * <p>A large folio whose target cannot be allocated does not stop the call: the kernel would
 * split it and retry the pieces; the engine does not split, so it is one failed folio.
 */
final class MigrateBatch {
    /** Per-folio outcome of a folio the call never reached. */
    static final int NOT_ATTEMPTED = Integer.MIN_VALUE;

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
        long[] stop = {-1};
        Migration.TargetAlloc guarded = (src, order) -> {
            if (stop[0] >= 0) {
                return -Errno.ENOMEM.code();
            }
            long pfn = target.alloc(src, order);
            if (pfn == -Errno.ENOMEM.code() && order == 0) {
                stop[0] = src;
            }
            return pfn;
        };
        Migration.Result r = k.migration().migrate(folios, targetNid, guarded, Migration.Mode.MIGRATE_SYNC, reason,
                Migration.Origin.ISOLATED);
        int[] outcome = r.outcome().clone();
        if (stop[0] < 0) {
            return new Result(r.nrFailed(), outcome);
        }
        int at = folios.indexOf(stop[0]);
        for (int i = at + 1; i < folios.size(); i++) {
            long src = folios.get(i);
            k.core().mem().count(k.core().memmap().nid(src), VmStat.PGMIGRATE_FAIL, -(1L << k.core().memmap().order(src)));
            outcome[i] = NOT_ATTEMPTED;
        }
        return new Result(-Errno.ENOMEM.code(), outcome);
    }
}
