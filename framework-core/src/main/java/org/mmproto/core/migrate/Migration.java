package org.mmproto.core.migrate;

import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Mappings;

/**
 * migrate_pages(): the one engine every migration goes through (mbind MOVE, migrate_pages,
 * move_pages, longterm pinning, a driver's promotion; compaction, demotion, promotion and
 * khugepaged call {@link #migrate} with their reason and a target-allocation callback). The
 * caller hands isolated folios, a {@link TargetAlloc} (alloc_migration_target with the reason's
 * gfp and node, or the subsystem's own) and a {@link MigrateReason}; {@link MigratePagesRun}
 * runs the kernel's passes, {@link FolioMove} each folio's unmap and move. Folios leaving a
 * private node pass the dispatcher once at isolation (Site.MIGRATE_SOURCE, unless the caller's
 * isolation already asked), every target on a private node at its allocation
 * (Site.MIGRATE_TARGET). Counts pgmigrate_success/fail and thp_migration_success/fail/split,
 * and per reason what the mm_migrate_pages trace reports ({@link #reasonCounts}).
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
        DRIVER,
        /**
         * A subsystem's own site decided the move (Site.DEMOTION in demote_folio_list,
         * Site.PROMOTION in migrate_misplaced_folio): neither end is asked again at
         * MIGRATE_SOURCE or MIGRATE_TARGET; the subsystem's target callback decides any private
         * node it allocates on.
         */
        SITE
    }

    /**
     * get_new_folio: allocates the destination for a source folio of {@code order}: its pfn, or
     * -errno (NULL in the kernel, -ENOMEM). A caller may put its own checks in front (a private
     * target asked before the allocation) by wrapping one callback in another.
     */
    @FunctionalInterface
    public interface TargetAlloc {
        long alloc(long srcPfn, int order);
    }

    /** Per-folio outcome of a folio a -ENOMEM kept the call from reaching. */
    public static final int NOT_ATTEMPTED = Integer.MIN_VALUE;

    /**
     * @param outcome per input folio: the node it now sits on (>= 0; a split folio: where its
     *     head page went, when every piece moved), the -errno it failed with, or NOT_ATTEMPTED
     * @param causes per input folio: why it stayed (MIGRATED when it moved)
     * @param unmapAttempts per input folio: migrate_folio_unmap calls made for it (and its pieces)
     * @param nrSucceeded input folios that moved whole or all of whose pieces moved
     * @param nrFailed the folios not migrated, as migrate_pages() counts them (a split folio once)
     * @param ret migrate_pages()' return: nrFailed, or -ENOMEM when a target allocation stopped it
     */
    public record Result(int[] outcome, FailureCause[] causes, int[] unmapAttempts, int nrSucceeded, int nrFailed,
                         int ret) {
    }

    private final MmCore k;
    private final Rmap rmaps;
    private final ReasonCounts reasons = new ReasonCounts();

    public Migration(MmCore k, Rmap rmaps) {
        this.k = k;
        this.rmaps = rmaps;
    }

    /** Per-reason pages migrated and failed, over every call so far. */
    public ReasonCounts reasonCounts() {
        return reasons;
    }

    /** Moves each folio (head pfns) to a target from {@code target}; the target node is not known up front. */
    public Result migrate(List<Long> folios, TargetAlloc target, Mode mode, MigrateReason reason) {
        return migrate(folios, -1, target, mode, reason);
    }

    /**
     * Moves each folio (head pfns) to a target from {@code target}. {@code targetNid} is the
     * node the caller aims at (-1 when the allocation decides): a private one is asked before
     * each allocation, else a private node the allocation chose is asked right after it.
     */
    public Result migrate(List<Long> folios, int targetNid, TargetAlloc target, Mode mode, MigrateReason reason) {
        return migrate(folios, targetNid, target, mode, reason, Origin.KERNEL);
    }

    /** As above; {@code origin} says whether a private source was already decided. */
    public Result migrate(List<Long> folios, int targetNid, TargetAlloc target, Mode mode, MigrateReason reason,
                          Origin origin) {
        Memmap mm = k.memmap();
        Dispatcher d = k.dispatcher();
        Mappings rmap = rmaps.index(folios);
        MigratePagesRun run = new MigratePagesRun(k, rmaps, new FolioMove(k, target, targetNid, reason, origin),
                reason).mode(mode);
        List<Candidate> inputs = new ArrayList<>();
        List<Candidate> list = new ArrayList<>();
        int refusedAtIsolation = 0;
        for (int i = 0; i < folios.size(); i++) {
            long src = folios.get(i);
            Candidate c = new Candidate(i, src, mm.order(src), mm.nid(src), rmap);
            inputs.add(c);
            if (origin == Origin.KERNEL && d != null && d.isPrivate(c.srcNid) && c.srcNid != targetNid) {
                Verdict v = d.migrateOff(src, targetNid, reason);
                if (!v.allowed()) {
                    c.fail(FailureCause.REFUSED, -Dispatcher.errnoOf(v, Errno.EBUSY).code());
                    run.stats().failedPages[c.srcNid] += c.pages();
                    run.stats().thpFailed[c.srcNid] += c.thp() ? 1 : 0;
                    refusedAtIsolation++;
                    continue;
                }
            }
            list.add(c);
        }
        int rc = run.run(list);
        MigrateStats st = run.stats();
        st.commit(k);
        Tracer tracer = k.mem().tracer();
        if (tracer.on(Tracepoint.MM_MIGRATE_PAGES)) {
            tracer.emit(Tracepoint.MM_MIGRATE_PAGES, targetNid, MigrateStats.sum(st.succeeded),
                    MigrateStats.sum(st.failedPages), MigrateStats.sum(st.thpSucceeded), MigrateStats.sum(st.thpFailed),
                    MigrateStats.sum(st.thpSplit), st.nrSplit, mode.name(), reason.traceName());
        }
        reasons.record(reason, MigrateStats.sum(st.succeeded), MigrateStats.sum(st.failedPages));
        org.mmproto.core.trace.Log.MIGRATE.logger().debug("migrate_pages to node {} ({}, {}): {} pages moved, {} failed",
                targetNid, mode, reason.traceName(), MigrateStats.sum(st.succeeded), MigrateStats.sum(st.failedPages));
        return result(inputs, run.handled(), rc < 0 ? rc : rc + refusedAtIsolation);
    }

    private static Result result(List<Candidate> inputs, List<Candidate> handled, int ret) {
        int n = inputs.size();
        int[] outcome = new int[n];
        FailureCause[] causes = new FailureCause[n];
        int[] attempts = new int[n];
        boolean[] seen = new boolean[n];
        for (Candidate c : inputs) {
            outcome[c.input] = c.cause == FailureCause.NOT_ATTEMPTED ? NOT_ATTEMPTED : c.result;
            causes[c.input] = c.cause;
        }
        for (Candidate c : handled) {
            attempts[c.input] += c.unmapAttempts;
            if (c.splitInto || !inputs.get(c.input).splitInto) {
                continue;
            }
            // a piece of a split folio: the first one that stayed decides, else the first one's node
            if (!seen[c.input] || (causes[c.input] == FailureCause.MIGRATED && c.cause != FailureCause.MIGRATED)) {
                outcome[c.input] = c.cause == FailureCause.NOT_ATTEMPTED ? NOT_ATTEMPTED : c.result;
                causes[c.input] = c.cause;
                seen[c.input] = true;
            }
        }
        int ok = 0;
        for (FailureCause c : causes) {
            ok += c == FailureCause.MIGRATED ? 1 : 0;
        }
        return new Result(outcome, causes, attempts, ok, ret < 0 ? n - ok : ret, ret);
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
