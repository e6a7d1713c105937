package org.mmproto.core.migrate;

import java.util.ArrayList;
import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.task.MmCore;
import org.mmproto.core.task.Rmap;
import org.mmproto.core.task.Mappings;
import org.mmproto.core.task.ThpSplit;

/**
 * One migrate_pages() call (mm/migrate.c, 6.12): the list in batches of up to
 * NR_MAX_BATCHED_MIGRATION pages; MIGRATE_ASYNC makes up to NR_MAX_MIGRATE_PAGES_RETRY passes
 * over a batch, SYNC modes make NR_MAX_MIGRATE_ASYNC_RETRY batched ASYNC passes and then retry
 * each remaining folio alone for the rest. -EAGAIN stays on the list for the next pass, -ENOMEM
 * stops the call (a large folio is split first, except for MR_NUMA_MISPLACED, and its pieces
 * get one ASYNC pass after the batch), any other errno is permanent for the call.
 */
final class MigratePagesRun {
    static final int NR_MAX_BATCHED_MIGRATION = 512;
    static final int NR_MAX_MIGRATE_PAGES_RETRY = 10;
    static final int NR_MAX_MIGRATE_ASYNC_RETRY = 3;
    static final int NR_MAX_MIGRATE_SYNC_RETRY = NR_MAX_MIGRATE_PAGES_RETRY - NR_MAX_MIGRATE_ASYNC_RETRY;

    private final MmCore k;
    private final Rmap rmaps;
    private final FolioMove step;
    private final MigrateReason reason;
    private final MigrateStats stats;
    /** Every folio the call handled: the inputs and the pieces of split ones. */
    private final List<Candidate> all = new ArrayList<>();

    MigratePagesRun(MmCore k, Rmap rmaps, FolioMove step, MigrateReason reason) {
        this.k = k;
        this.rmaps = rmaps;
        this.step = step;
        this.reason = reason;
        this.stats = new MigrateStats(k.mem().nodeCount());
    }

    MigrateStats stats() {
        return stats;
    }

    List<Candidate> handled() {
        return all;
    }

    /** migrate_pages(): the folios not migrated (a split folio counts once), 0 if all moved, or -ENOMEM. */
    int run(List<Candidate> from) {
        all.addAll(from);
        int rcGather = 0;
        List<Candidate> ret = new ArrayList<>();
        List<Candidate> split = new ArrayList<>();
        while (!from.isEmpty()) {
            List<Candidate> batch = cutBatch(from);
            int rc = mode == Migration.Mode.MIGRATE_ASYNC
                    ? batch(batch, Migration.Mode.MIGRATE_ASYNC, NR_MAX_MIGRATE_PAGES_RETRY, ret, split, stats)
                    : sync(batch, ret, split);
            ret.addAll(batch);
            if (rc < 0) {
                rcGather = rc;
                ret.addAll(split);
                break;
            }
            if (!split.isEmpty()) {
                // the pieces of a split folio were counted as one failure already: one ASYNC pass
                List<Candidate> pieces = new ArrayList<>(split);
                split.clear();
                batch(pieces, Migration.Mode.MIGRATE_ASYNC, 1, ret, null, stats);
                ret.addAll(pieces);
            }
            rcGather += rc;
        }
        boolean allMoved = from.isEmpty() && ret.stream().allMatch(c -> c.cause == FailureCause.MIGRATED);
        return allMoved ? 0 : rcGather;
    }

    private Migration.Mode mode = Migration.Mode.MIGRATE_SYNC;

    MigratePagesRun mode(Migration.Mode m) {
        this.mode = m;
        return this;
    }

    private static List<Candidate> cutBatch(List<Candidate> from) {
        long pages = 0;
        int n = 0;
        while (n < from.size()) {
            pages += from.get(n).pages();
            n++;
            if (pages >= NR_MAX_BATCHED_MIGRATION) {
                break;
            }
        }
        List<Candidate> b = new ArrayList<>(from.subList(0, n));
        from.subList(0, n).clear();
        return b;
    }

    /** migrate_pages_sync. */
    private int sync(List<Candidate> from, List<Candidate> ret, List<Candidate> split) {
        MigrateStats a = new MigrateStats(stats.succeeded.length);
        List<Candidate> failed = new ArrayList<>();
        int rc = batch(from, Migration.Mode.MIGRATE_ASYNC, NR_MAX_MIGRATE_ASYNC_RETRY, failed, split, a);
        MigrateStats.add(stats.succeeded, a.succeeded);
        MigrateStats.add(stats.thpSucceeded, a.thpSucceeded);
        MigrateStats.add(stats.thpSplit, a.thpSplit);
        stats.nrSplit += a.nrSplit;
        if (rc < 0) {
            MigrateStats.add(stats.failedPages, a.failedPages);
            MigrateStats.add(stats.thpFailed, a.thpFailed);
            ret.addAll(failed);
            return rc;
        }
        // a split THP failed as a whole; everything else is retried below, its ASYNC failure not counted
        MigrateStats.add(stats.thpFailed, a.thpSplit);
        int nrFailed = a.nrSplit;
        from.addAll(failed);
        while (!from.isEmpty()) {
            List<Candidate> one = new ArrayList<>(List.of(from.remove(0)));
            rc = batch(one, mode, NR_MAX_MIGRATE_SYNC_RETRY, ret, split, stats);
            ret.addAll(one);
            if (rc < 0) {
                return rc;
            }
            nrFailed += rc;
        }
        return nrFailed;
    }

    /**
     * migrate_pages_batch: unmap every folio (retrying -EAGAIN up to nrPass passes), then move
     * the unmapped ones (the same). Failed folios end on {@code ret}; -EAGAIN ones left when the
     * passes ran out stay on {@code from}. {@code split} null: no splitting (the pieces' pass).
     */
    private int batch(List<Candidate> from, Migration.Mode m, int nrPass, List<Candidate> ret, List<Candidate> split,
                      MigrateStats st) {
        boolean nosplit = reason == MigrateReason.MR_NUMA_MISPLACED || split == null;
        int nrFailed = 0;
        int rcSaved = 0;
        List<Candidate> retry = new ArrayList<>();
        List<Candidate> unmapped = new ArrayList<>();
        passes:
        for (int pass = 0; pass < nrPass && (pass == 0 || !retry.isEmpty()); pass++) {
            retry.clear();
            for (Candidate c : List.copyOf(from)) {
                int rc = step.unmap(c);
                if (rc == -Errno.ENOMEM.code()) {
                    nrFailed++;
                    st.thpFailed[c.srcNid] += c.thp() ? 1 : 0;
                    if (c.large() && !nosplit) {
                        int r = ThpSplit.splitForMigration(k, rmaps, c.pfn);
                        if (r == 0) {
                            st.thpSplit[c.srcNid] += c.thp() ? 1 : 0;
                            st.nrSplit++;
                            from.remove(c);
                            c.splitInto = true;
                            split.addAll(pieces(c));
                            continue;
                        } else if (reason == MigrateReason.MR_LONGTERM_PIN && r == -Errno.EAGAIN.code()) {
                            retry.add(c); // try the split again: a longterm pin must not fail for it
                            nrFailed--;
                            st.thpFailed[c.srcNid] -= c.thp() ? 1 : 0;
                            continue;
                        }
                    }
                    st.failedPages[c.srcNid] += c.pages();
                    for (Candidate r : retry) {
                        st.failedPages[r.srcNid] += r.pages();
                        st.thpFailed[r.srcNid] += r.thp() ? 1 : 0;
                    }
                    rcSaved = rc;
                    break passes;
                } else if (rc == -Errno.EAGAIN.code()) {
                    retry.add(c);
                } else if (rc == FolioMove.UNMAPPED) {
                    from.remove(c);
                    unmapped.add(c);
                } else {
                    permanent(c, from, ret, st);
                    nrFailed++;
                }
            }
        }
        if (rcSaved == 0) {
            nrFailed += retry.size();
            for (Candidate r : retry) {
                st.failedPages[r.srcNid] += r.pages();
                st.thpFailed[r.srcNid] += r.thp() ? 1 : 0;
            }
        }
        List<Candidate> moveRetry = new ArrayList<>();
        for (int pass = 0; pass < nrPass && !unmapped.isEmpty(); pass++) {
            moveRetry.clear();
            for (Candidate c : List.copyOf(unmapped)) {
                int rc = step.move(c);
                if (rc == FolioMove.SUCCESS) {
                    unmapped.remove(c);
                    st.succeeded[c.result] += c.pages();
                    st.thpSucceeded[c.result] += c.thp() ? 1 : 0;
                } else if (rc == -Errno.EAGAIN.code()) {
                    moveRetry.add(c);
                } else {
                    unmapped.remove(c);
                    step.undo(c);
                    permanent(c, from, ret, st);
                    nrFailed++;
                }
            }
            if (moveRetry.isEmpty()) {
                break;
            }
        }
        nrFailed += moveRetry.size();
        for (Candidate c : unmapped) { // the move passes ran out: undo and give up for this batch
            st.failedPages[c.srcNid] += c.pages();
            st.thpFailed[c.srcNid] += c.thp() ? 1 : 0;
            step.undo(c);
            ret.add(c);
        }
        return rcSaved != 0 ? rcSaved : nrFailed;
    }

    private static void permanent(Candidate c, List<Candidate> from, List<Candidate> ret, MigrateStats st) {
        from.remove(c);
        ret.add(c);
        st.thpFailed[c.srcNid] += c.thp() ? 1 : 0;
        st.failedPages[c.srcNid] += c.pages();
    }

    private List<Candidate> pieces(Candidate c) {
        List<Long> pfns = new ArrayList<>();
        for (long p = c.pfn; p < c.pfn + c.pages(); p++) {
            if (k.memmap().isFolioHead(p)) {
                pfns.add(p); // a page the split left unmapped was freed
            }
        }
        Mappings rmap = rmaps.index(pfns);
        List<Candidate> out = new ArrayList<>();
        for (long p : pfns) {
            Candidate piece = new Candidate(c.input, p, 0, c.srcNid, rmap);
            out.add(piece);
            all.add(piece);
        }
        return out;
    }
}
