package org.mmproto.core.mm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.ZoneType;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.testkit.TestMachines;

/** The checker must catch each kind of seeded corruption: a checker that cannot fail proves nothing. */
class DebugVmTest {
    private PhysicalMemory mem;
    private PageAllocator alloc;
    private Zone dma32;
    private long folio;

    @BeforeEach
    void boot() {
        mem = PhysicalMemory.boot(TestMachines.single(64 * MiB));
        alloc = new PageAllocator(mem, new CountingCheckpoint(1), new NoReclaim(1));
        dma32 = mem.node(0).zone(ZoneType.DMA32);
        folio = alloc.allocPages(Gfp.GFP_KERNEL.bits(), 2, 0, null, 0);
        alloc.allocPages(Gfp.GFP_KERNEL.bits(), 0, 0, null, 0);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    private List<String> kinds() {
        return DebugVm.check(mem).stream().map(DebugVm.Violation::kind).toList();
    }

    @Test
    void catches_a_free_counter_that_disagrees_with_the_lists() {
        dma32.freePages++;
        assertThat(kinds()).contains("counter");
    }

    @Test
    void catches_a_lost_page() {
        // take a free block off its list without turning it into a folio
        int i = dma32.freeHead[9 * Zone.NR_LISTS + Buddy.UNMOVABLE];
        dma32.delFromFreeList(i, 9, Buddy.UNMOVABLE);
        dma32.freePages -= 512;
        assertThat(kinds()).contains("lost page");
    }

    @Test
    void catches_a_page_both_free_and_allocated() {
        int i = dma32.freeHead[0 * Zone.NR_LISTS + Buddy.UNMOVABLE];
        dma32.state[i] = PageState.head(0, Buddy.UNMOVABLE);
        assertThat(kinds()).contains("free list");
    }

    @Test
    void catches_a_broken_folio_tail() {
        int i = (int) (folio - dma32.startPfn()) + 1;
        dma32.state[i] = PageState.INSIDE;
        assertThat(kinds()).contains("folio");
    }

    @Test
    void catches_unmerged_buddies() {
        // Put two order-0 buddies on the list separately, bypassing the merge
        alloc.freePages(folio, 2);
        long p = alloc.allocPages(Gfp.GFP_KERNEL.bits(), 1, 0, null, 0);
        int i = (int) (p - dma32.startPfn());
        dma32.state[i] = PageState.INSIDE;
        dma32.addToFreeList(i, 0, Buddy.UNMOVABLE, false);
        dma32.addToFreeList(i + 1, 0, Buddy.UNMOVABLE, false);
        dma32.freePages += 2;
        mem.node(0).vmstat[VmStat.PGFREE.ordinal()] += 2;
        assertThat(kinds()).containsOnly("unmerged buddy");
    }

    @Test
    void catches_a_free_block_on_the_wrong_migratetype_list() {
        int i = dma32.freeHead[9 * Zone.NR_LISTS + Buddy.UNMOVABLE];
        dma32.delFromFreeList(i, 9, Buddy.UNMOVABLE);
        dma32.addToFreeList(i, 9, Buddy.RECLAIMABLE, false);
        assertThat(kinds()).containsOnly("migratetype");
    }

    @Test
    void catches_vmstat_that_does_not_add_up() {
        mem.node(0).vmstat[VmStat.PGFREE.ordinal()]++;
        assertThat(kinds()).containsOnly("counter");
    }

    @Test
    void violations_name_the_pfn_in_hex() {
        int i = (int) (folio - dma32.startPfn()) + 1;
        dma32.state[i] = PageState.INSIDE;
        assertThat(DebugVm.check(mem).get(0).toString()).contains(String.format("0x%x", folio + 1));
    }

    @Test
    void catches_a_pgalloc_pgfree_imbalance_on_one_node_of_two() {
        mem = PhysicalMemory.boot(TestMachines.dramDramCxl(32 * MiB, 32 * MiB, false));
        alloc = new PageAllocator(mem, new CountingCheckpoint(mem.nodeCount()), new NoReclaim(mem.nodeCount()));
        long p = alloc.allocPages(Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits(), 0, 1, null, 1);
        assertThat(DebugVm.check(mem)).isEmpty();
        // one node's pgfree moved to another: the machine's totals still balance, the nodes do not
        mem.count(1, VmStat.PGFREE, 1);
        mem.count(0, VmStat.PGFREE, -1);
        assertThat(DebugVm.check(mem)).extracting(DebugVm.Violation::detail)
                .anyMatch(d -> d.startsWith("node 0: pgalloc_* - pgfree"))
                .anyMatch(d -> d.startsWith("node 1: pgalloc_* - pgfree"));
        mem.count(1, VmStat.PGFREE, -1);
        mem.count(0, VmStat.PGFREE, 1);
        alloc.freePages(p, 0);
        assertThat(DebugVm.check(mem)).isEmpty();
    }

    @Test
    void a_free_block_compaction_isolated_and_released_balances_through_its_pgfree() {
        alloc.enablePcp();
        int i = dma32.freeHead[3 * Zone.NR_LISTS + Buddy.UNMOVABLE];
        long pfn = dma32.startPfn() + i;
        long pgfree = mem.vmstat(VmStat.PGFREE);
        long pgalloc = mem.vmstat(VmStat.PGALLOC_DMA32);
        assertThat(CompactionPages.isolateFree(dma32, pfn)).isEqualTo(3);
        CompactionPages.releaseFree(alloc, dma32, pfn, 3);
        assertThat(mem.vmstat(VmStat.PGFREE) - pgfree).as("release_free_list frees with __free_pages").isEqualTo(8);
        assertThat(mem.vmstat(VmStat.PGALLOC_DMA32)).as("isolation is no allocation").isEqualTo(pgalloc);
        assertThat(CompactionPages.freeIsolated(dma32)).isEqualTo(8);
        assertThat(DebugVm.check(mem)).isEmpty();
        // without the isolation count the books would be 8 pages off
        dma32.compactFreeIsolated = 0;
        assertThat(kinds()).contains("counter");
    }
}
