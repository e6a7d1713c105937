package org.mmproto.core.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.testkit.OneTaskKernel;

/** kcompactd: proactive compaction on its 500 ms timer from the fragmentation score, and kswapd's wakeups. */
class KcompactdTest extends OneTaskKernel {

    void fragment(long bytes) {
        long buf = ops.mmap(a, 0, bytes, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS,
                null, 0, "buf");
        assertThat(ops.touch(a, buf, bytes, true)).isZero();
        for (long p = buf; p < buf + bytes; p += 2 * 4096) {
            assertThat(ops.munmap(a, p + 4096, 4096)).isZero();
        }
        k.alloc().drainAllPages();
    }

    long vm(VmStat v) {
        return k.mem().vmstat(v);
    }

    Node node() {
        return k.mem().node(0);
    }

    @Test
    void the_marks_follow_compaction_proactiveness() {
        Kcompactd d = k.kcompactd();
        assertThat(d.proactiveness()).isEqualTo(20);
        assertThat(d.wmark(true)).isEqualTo(80);
        assertThat(d.wmark(false)).isEqualTo(90);
        d.setProactiveness(100);
        assertThat(d.wmark(true)).isEqualTo(5);
        assertThat(d.wmark(false)).isEqualTo(15);
    }

    @Test
    void a_fragmented_node_is_compacted_proactively_until_its_score_is_at_most_the_low_mark() {
        fragment(56 * MiB);
        int before = Fragmentation.nodeScore(node());
        assertThat(before).isGreaterThan(90);
        assertThat(k.kcompactd().tick(499)).isZero(); // the first check is at 500 ms
        long moved = k.kcompactd().tick(1);
        assertThat(moved).isPositive();
        for (Zone z : node().zones()) {
            if (z.populated() && z.presentPages() > 4096) {
                assertThat(Fragmentation.score(z)).isLessThanOrEqualTo(80);
            }
        }
        assertThat(Fragmentation.nodeScore(node())).isLessThan(before);
        assertThat(vm(VmStat.COMPACT_DAEMON_MIGRATE_SCANNED)).isPositive().isEqualTo(vm(VmStat.COMPACT_MIGRATE_SCANNED));
        assertThat(vm(VmStat.COMPACT_DAEMON_FREE_SCANNED)).isPositive().isEqualTo(vm(VmStat.COMPACT_FREE_SCANNED));
        assertThat(vm(VmStat.COMPACT_DAEMON_WAKE)).as("proactive runs are no wakeups").isZero();
        assertThat(vm(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(moved);
        // below the high mark now: the next checks do nothing
        long scanned = vm(VmStat.COMPACT_DAEMON_MIGRATE_SCANNED);
        assertThat(k.kcompactd().tick(5000)).isZero();
        assertThat(vm(VmStat.COMPACT_DAEMON_MIGRATE_SCANNED)).isEqualTo(scanned);
    }

    @Test
    void proactiveness_zero_turns_proactive_compaction_off() {
        fragment(56 * MiB);
        k.kcompactd().setProactiveness(0);
        assertThat(k.kcompactd().tick(10_000)).isZero();
        assertThat(vm(VmStat.COMPACT_MIGRATE_SCANNED)).isZero();
    }

    @Test
    void a_wakeup_for_order_9_compacts_and_counts_compact_daemon_wake() {
        fragment(56 * MiB);
        k.kcompactd().setProactiveness(0);
        k.kcompactd().wake(0, 9, 3);
        long moved = k.kcompactd().tick(1);
        assertThat(vm(VmStat.COMPACT_DAEMON_WAKE)).isEqualTo(1);
        assertThat(moved).isPositive();
        assertThat(vm(VmStat.COMPACT_DAEMON_MIGRATE_SCANNED)).isPositive();
        // an order-0 wakeup is none (wakeup_kcompactd returns at once)
        k.kcompactd().wake(0, 0, 3);
        k.kcompactd().tick(1);
        assertThat(vm(VmStat.COMPACT_DAEMON_WAKE)).isEqualTo(1);
    }
}
