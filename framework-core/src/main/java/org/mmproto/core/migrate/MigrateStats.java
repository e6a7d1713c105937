package org.mmproto.core.migrate;

import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmCore;

/**
 * struct migrate_pages_stats, per node: pages migrated (counted on the target node), pages
 * failed, THPs migrated, failed and split (on the source node), and folios split of any order
 * (nr_split, the trace's figure). Merged the way migrate_pages_sync merges its ASYNC round.
 */
final class MigrateStats {
    final long[] succeeded;
    final long[] failedPages;
    final long[] thpSucceeded;
    final long[] thpFailed;
    final long[] thpSplit;
    int nrSplit;

    MigrateStats(int nodes) {
        succeeded = new long[nodes];
        failedPages = new long[nodes];
        thpSucceeded = new long[nodes];
        thpFailed = new long[nodes];
        thpSplit = new long[nodes];
    }

    static void add(long[] to, long[] from) {
        for (int i = 0; i < to.length; i++) {
            to[i] += from[i];
        }
    }

    static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }

    /** count_vm_events at the end of migrate_pages(). */
    void commit(MmCore k) {
        for (int nid = 0; nid < succeeded.length; nid++) {
            count(k, nid, VmStat.PGMIGRATE_SUCCESS, succeeded[nid]);
            count(k, nid, VmStat.PGMIGRATE_FAIL, failedPages[nid]);
            count(k, nid, VmStat.THP_MIGRATION_SUCCESS, thpSucceeded[nid]);
            count(k, nid, VmStat.THP_MIGRATION_FAIL, thpFailed[nid]);
            count(k, nid, VmStat.THP_MIGRATION_SPLIT, thpSplit[nid]);
        }
    }

    private static void count(MmCore k, int nid, VmStat item, long n) {
        if (n != 0) {
            k.mem().count(nid, item, n);
        }
    }
}
