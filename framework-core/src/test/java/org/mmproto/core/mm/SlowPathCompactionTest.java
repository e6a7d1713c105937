package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.testkit.TestMachines;

/**
 * __alloc_pages_slowpath's compaction, against a compaction seam that answers what the test
 * says and a reclaim seam that always reports progress but frees nothing: which priorities are
 * tried in which order (COMPACT_PRIO_ASYNC first, then DEF_COMPACT_PRIORITY and, for orders up
 * to PAGE_ALLOC_COSTLY_ORDER, MIN_COMPACT_PRIORITY), should_compact_retry's MAX_COMPACT_RETRIES,
 * the costly-order and __GFP_NORETRY / __GFP_RETRY_MAYFAIL exits, and one compact_stall plus one
 * compact_fail per counted attempt. Memory is fragmented so no block above order 0 is free.
 */
class SlowPathCompactionTest {
    private static final int NOWARN = Gfp.Bits.NOWARN;

    /** Answers every try_to_compact_pages with {@link #answer} and records the priorities asked. */
    static class ScriptedCompaction implements CompactionSeam {
        CompactResult answer = CompactResult.COMPLETE;
        boolean zonelistSuitable;
        final List<CompactPriority> asked = new ArrayList<>();

        @Override
        public CompactResult tryToCompact(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask,
                                          int order, int gfp, int allocFlags, CompactPriority prio) {
            asked.add(prio);
            return answer;
        }

        @Override
        public boolean zonelistSuitable(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask,
                                        int order, ToLongFunction<Zone> reclaimable) {
            return zonelistSuitable;
        }
    }

    /** Direct reclaim that claims progress every time (so the retry rules decide) but frees nothing. */
    static final class ProgressReclaim implements ReclaimSeam {
        long runs;

        @Override
        public void wakeKswapd(int nid, int order, int highestZoneIdx, int gfp) {
        }

        @Override
        public long directReclaim(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask, int order,
                                  int gfp, int localNid) {
            runs++;
            return 1;
        }

        @Override
        public long reclaimablePages(Zone zone) {
            return 0;
        }
    }

    PhysicalMemory mem;
    PageAllocator a;
    ScriptedCompaction compaction;
    ProgressReclaim reclaim;

    @BeforeEach
    void fragmented() {
        mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        reclaim = new ProgressReclaim();
        a = new PageAllocator(mem, new CountingCheckpoint(mem.nodeCount()), reclaim);
        compaction = new ScriptedCompaction();
        a.attachCompaction(compaction);
        // every page allocated, then every other one freed: order-0 blocks only
        List<Long> pages = new ArrayList<>();
        for (long p; (p = a.allocPages(Gfp.Bits.NOWARN | Gfp.Bits.MEMALLOC, 0, 0, null, 0)) >= 0; ) {
            pages.add(p);
        }
        for (long p : pages) {
            if ((p & 1) == 0) {
                a.freePages(p, 0);
            }
        }
        for (Zone z : mem.zones()) {
            for (int o = 1; o < Zone.NR_PAGE_ORDERS; o++) {
                assertThat(z.nrFree(o)).isZero();
            }
        }
    }

    long vm(VmStat v) {
        return mem.vmstat(v);
    }

    @Test
    void a_non_costly_unmovable_order_escalates_async_then_sync_light_then_sync_full() {
        long pfn = a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 3, 0, null, 0);
        assertThat(pfn).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.SYNC_LIGHT,
                CompactPriority.SYNC_FULL);
        assertThat(vm(VmStat.COMPACT_STALL)).isEqualTo(3);
        assertThat(vm(VmStat.COMPACT_FAIL)).isEqualTo(3);
        assertThat(vm(VmStat.COMPACT_SUCCESS)).isZero();
        assertThat(reclaim.runs).as("direct reclaim before each retry-loop compaction").isEqualTo(2);
        assertThat(a.compactRetries()).isEqualTo(1);
    }

    @Test
    void a_movable_non_costly_order_skips_the_first_async_attempt() {
        long pfn = a.allocPages(Gfp.GFP_HIGHUSER_MOVABLE.bits() | NOWARN, 2, 0, null, 0);
        assertThat(pfn).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.SYNC_LIGHT, CompactPriority.SYNC_FULL);
        assertThat(vm(VmStat.COMPACT_STALL)).isEqualTo(2);
    }

    @Test
    void a_costly_order_without_retry_mayfail_compacts_async_then_once_more_after_reclaim() {
        long pfn = a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 9, 0, null, 0);
        assertThat(pfn).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.SYNC_LIGHT);
        assertThat(reclaim.runs).isEqualTo(1);
        assertThat(vm(VmStat.COMPACT_STALL)).isEqualTo(2);
        assertThat(vm(VmStat.COMPACT_FAIL)).isEqualTo(2);
    }

    @Test
    void a_costly_order_stops_at_sync_light_even_with_retry_mayfail() {
        long pfn = a.allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.RETRY_MAYFAIL | NOWARN, 9, 0, null, 0);
        assertThat(pfn).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.SYNC_LIGHT);
    }

    @Test
    void compact_success_without_a_page_retries_max_compact_retries_then_escalates() {
        compaction.answer = CompactResult.SUCCESS;
        long pfn = a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 3, 0, null, 0);
        assertThat(pfn).isNegative();
        // ASYNC once; SYNC_LIGHT 1 + 16 retries; one step up; SYNC_FULL 1 + 16 retries
        assertThat(compaction.asked).hasSize(1 + 17 + 17);
        assertThat(compaction.asked.get(0)).isEqualTo(CompactPriority.ASYNC);
        assertThat(compaction.asked.subList(1, 18)).containsOnly(CompactPriority.SYNC_LIGHT);
        assertThat(compaction.asked.subList(18, 35)).containsOnly(CompactPriority.SYNC_FULL);
        assertThat(vm(VmStat.COMPACT_STALL)).isEqualTo(35);
        assertThat(vm(VmStat.COMPACT_FAIL)).as("compaction said success, the allocation found no page").isEqualTo(35);
        assertThat(vm(VmStat.COMPACT_SUCCESS)).isZero();
    }

    @Test
    void a_costly_retry_mayfail_order_retries_a_quarter_of_max_compact_retries() {
        compaction.answer = CompactResult.SUCCESS;
        long pfn = a.allocPages(Gfp.GFP_KERNEL.bits() | Gfp.Bits.RETRY_MAYFAIL | NOWARN, 9, 0, null, 0);
        assertThat(pfn).isNegative();
        // ASYNC once; SYNC_LIGHT 1 + 16/4 retries; SYNC_LIGHT is the costly orders' floor
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.SYNC_LIGHT,
                CompactPriority.SYNC_LIGHT, CompactPriority.SYNC_LIGHT, CompactPriority.SYNC_LIGHT,
                CompactPriority.SYNC_LIGHT);
    }

    @Test
    void a_costly_noretry_request_gives_up_after_a_deferred_first_attempt() {
        compaction.answer = CompactResult.DEFERRED;
        int thp = Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.COMP | Gfp.Bits.NORETRY | NOWARN;
        assertThat(a.allocPages(thp, 9, 0, null, 0)).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC);
        assertThat(reclaim.runs).as("no reclaim after deferred compaction").isZero();
        assertThat(vm(VmStat.COMPACT_STALL)).as("COMPACT_DEFERRED counts a stall").isEqualTo(1);
        assertThat(vm(VmStat.COMPACT_FAIL)).isEqualTo(1);
    }

    @Test
    void a_costly_noretry_request_keeps_async_priority_for_its_one_reclaim_round() {
        int thp = Gfp.GFP_HIGHUSER_MOVABLE.bits() | Gfp.Bits.COMP | Gfp.Bits.NORETRY | NOWARN;
        assertThat(a.allocPages(thp, 9, 0, null, 0)).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.ASYNC);
        assertThat(reclaim.runs).isEqualTo(1);
        // __GFP_THISNODE: no reclaim pressure on one node, nopage right after the first attempt
        compaction.asked.clear();
        assertThat(a.allocPages(thp | Gfp.Bits.THISNODE, 9, 0, null, 0)).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC);
        assertThat(reclaim.runs).isEqualTo(1);
    }

    @Test
    void skipped_compaction_counts_no_stall_and_retries_only_while_reclaim_could_make_it_suitable() {
        compaction.answer = CompactResult.SKIPPED;
        assertThat(a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 3, 0, null, 0)).isNegative();
        assertThat(compaction.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.SYNC_LIGHT);
        assertThat(vm(VmStat.COMPACT_STALL)).isZero();
        assertThat(vm(VmStat.COMPACT_FAIL)).isZero();
        assertThat(a.compactRetries()).isZero();
    }

    @Test
    void skipped_compaction_retries_while_compaction_zonelist_suitable_says_reclaim_can_help() {
        compaction.answer = CompactResult.SKIPPED;
        compaction.zonelistSuitable = true;
        long[] calls = {0};
        ScriptedCompaction flip = new ScriptedCompaction() {
            @Override
            public boolean zonelistSuitable(Zone[] zonelist, int prefIdx, int highestZoneIdx, NodeMask nodemask,
                                            int order, ToLongFunction<Zone> reclaimable) {
                return ++calls[0] <= 3; // suitable three times, then not
            }
        };
        flip.answer = CompactResult.SKIPPED;
        a.attachCompaction(flip);
        assertThat(a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 3, 0, null, 0)).isNegative();
        // skipped keeps the priority: ASYNC first, then SYNC_LIGHT on each of 1 + 3 rounds
        assertThat(flip.asked).containsExactly(CompactPriority.ASYNC, CompactPriority.SYNC_LIGHT,
                CompactPriority.SYNC_LIGHT, CompactPriority.SYNC_LIGHT, CompactPriority.SYNC_LIGHT);
        assertThat(reclaim.runs).isEqualTo(4);
        assertThat(vm(VmStat.COMPACT_STALL)).isZero();
    }

    @Test
    void gfp_noio_gets_no_first_attempt_and_no_compaction_retry() {
        compaction.answer = CompactResult.SKIPPED; // what try_to_compact_pages says without __GFP_IO
        compaction.zonelistSuitable = true;
        assertThat(a.allocPages(Gfp.GFP_NOIO.bits() | NOWARN, 3, 0, null, 0)).isNegative();
        // the retry loop's attempt only; gfp_compaction_allowed gates the first one and the retry
        assertThat(compaction.asked).containsExactly(CompactPriority.SYNC_LIGHT);
        assertThat(vm(VmStat.COMPACT_STALL)).isZero();
    }

    @Test
    void order_zero_never_enters_compaction() {
        while (a.allocPages(Gfp.GFP_KERNEL.bits() | NOWARN, 0, 0, null, 0) >= 0) {
            // the order-0 pages left above the min watermark
        }
        assertThat(reclaim.runs).isPositive();
        assertThat(compaction.asked).isEmpty();
    }
}
