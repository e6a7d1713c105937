package org.mmproto.core.migrate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.Kernel;
import org.mmproto.core.task.Mappings;

/**
 * migrate_pages(): the one entry point every migration goes through (mbind MOVE, migrate_pages,
 * move_pages; later demotion, promotion, compaction, longterm pinning). A folio moves when its
 * references are all accounted for by its mappings and the page cache (no pin or other extra
 * reference, else -EAGAIN until the passes run out) and a target folio can be allocated; then
 * every mapping and the page-cache slot are switched to the copy and the old folio is freed.
 */
public final class Migration {
    /** MIGRATE_ASYNC / SYNC_LIGHT / SYNC. */
    public enum Mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC }

    /** Who already decided that the folios may leave their node. */
    public enum Origin {
        /** Nobody: a private source is asked here (Site.MIGRATE_SOURCE). */
        KERNEL,
        /** The syscall's isolation step asked once per folio (move_pages, mbind, migrate_pages). */
        ISOLATED,
        /** The node's driver asked for the move (handle_fault promotion): asked, and never an escape. */
        DRIVER
    }

    /** Allocates the destination for a source folio: pfn or -errno. */
    @FunctionalInterface
    public interface TargetAlloc {
        long alloc(long srcPfn, int order);
    }

    /**
     * @param outcome per input folio: the node it now sits on (>= 0) or the -errno it failed with
     * @param nrSucceeded folios moved
     * @param nrFailed folios not moved (the kernel's return value)
     */
    public record Result(int[] outcome, int nrSucceeded, int nrFailed) {
    }

    private final Kernel k;

    public Migration(Kernel k) {
        this.k = k;
    }

    /** Moves each folio (head pfns) to a target from {@code target}; the target node is not known up front. */
    public Result migrate(List<Long> folios, TargetAlloc target, Mode mode, MigrateReason reason) {
        return migrate(folios, -1, target, mode, reason);
    }

    /**
     * Moves each folio (head pfns) to a target from {@code target}. {@code targetNid} is the
     * node the caller aims at (-1 when the allocation decides). Folios leaving a private node
     * and folios arriving on one pass the dispatcher (Site.MIGRATE_SOURCE / MIGRATE_TARGET)
     * before anything is allocated on the node: up front when the target is known, else when
     * the target allocation reaches the node ({@link Dispatcher#migrationTarget}).
     */
    public Result migrate(List<Long> folios, int targetNid, TargetAlloc target, Mode mode, MigrateReason reason) {
        return migrate(folios, targetNid, target, mode, reason, Origin.KERNEL);
    }

    /** As above; {@code origin} says whether a private source was already decided. */
    public Result migrate(List<Long> folios, int targetNid, TargetAlloc target, Mode mode, MigrateReason reason,
                          Origin origin) {
        Memmap mm = k.memmap();
        Dispatcher d = k.dispatcher();
        Mappings rmap = Mappings.index(k, folios);
        int[] outcome = new int[folios.size()];
        int ok = 0;
        int failed = 0;
        for (int i = 0; i < folios.size(); i++) {
            long src = folios.get(i);
            int order = mm.order(src);
            int expected = mm.mapcount(src) + (rmap.inPageCache(src) ? 1 : 0);
            if (mm.refcount(src) != expected || (mm.flags(src) & Memmap.PG_ZERO_PAGE) != 0) {
                outcome[i] = -Errno.EAGAIN.code();
                failed++;
                countFail(src, order);
                continue;
            }
            int srcNid = mm.nid(src);
            Verdict v = Verdict.ALLOW;
            if (origin == Origin.KERNEL && d != null && d.isPrivate(srcNid) && srcNid != targetNid) {
                v = d.migrateOff(src, targetNid, reason);
            }
            if (v.allowed() && d != null && d.isPrivate(targetNid) && targetNid != srcNid) {
                v = d.migrateOnto(src, targetNid, reason);
            }
            if (!v.allowed()) {
                outcome[i] = -Dispatcher.errnoOf(v, Errno.EBUSY).code();
                failed++;
                countFail(src, order);
                continue;
            }
            // target unknown: a private node the allocation reaches is decided before it is used
            long dst = d != null && targetNid < 0 && d.hasPrivateNodes()
                    ? d.migrationTarget(src, reason, () -> target.alloc(src, order)) : target.alloc(src, order);
            if (dst < 0) {
                outcome[i] = (int) dst;
                failed++;
                countFail(src, order);
                continue;
            }
            int dstNid = mm.nid(dst);
            if (d != null) {
                d.folioMigrated(src, dst);
            }
            mm.setFlags(dst, mm.flags(src));
            mm.addMapcount(dst, mm.mapcount(src));
            mm.addRefs(dst, expected - 1);
            rmap.retarget(src, dst, d != null && d.writeProtected(dstNid));
            mm.addMapcount(src, -mm.mapcount(src));
            mm.addRefs(src, 1 - mm.refcount(src));
            k.folioRelease().folioPut(src, FreePath.FOLIO_PUT);
            int nid = mm.nid(dst);
            if (d != null) {
                d.leftNode(src, srcNid, nid, reason, origin == Origin.DRIVER);
            }
            outcome[i] = nid;
            ok++;
            k.mem().count(nid, VmStat.PGMIGRATE_SUCCESS, 1L << order);
        }
        return new Result(outcome, ok, failed);
    }

    private void countFail(long src, int order) {
        k.mem().count(k.memmap().nid(src), VmStat.PGMIGRATE_FAIL, 1L << order);
    }

    /** Convenience for callers that group folios by destination node. */
    public static Map<Integer, List<Long>> byNode(List<Long> folios, List<Integer> nodes) {
        Map<Integer, List<Long>> m = new HashMap<>();
        for (int i = 0; i < folios.size(); i++) {
            m.computeIfAbsent(nodes.get(i), x -> new ArrayList<>()).add(folios.get(i));
        }
        return m;
    }
}
