package org.mmproto.core.task;

import org.mmproto.api.Gfp;
import org.mmproto.core.mm.Memmap;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.stats.VmStat;

/**
 * The pages of user page tables, as x86-64 6.12 allocates them: each PUD, PMD and PTE table is
 * an order-0 page from {@code pagetable_alloc(GFP_PGTABLE_USER, 0)} — {@code alloc_pages()} under
 * the allocating task's mempolicy (never a VMA's: {@code alloc_pages_noprof} takes
 * {@code get_task_policy(current)}), a non-folio allocation, so no design's folio entry point is
 * asked: the design decides through its zonelists and the page allocator's gate and veto. The
 * constructor ({@code pagetable_pte_ctor} and friends) marks the page {@link Memmap#PG_TABLE}
 * and adds it to NR_PAGETABLE ({@code nr_page_table_pages}, meminfo {@code PageTables:});
 * {@code pagetable_free} is {@code __free_pages}.
 *
 * <p>The PGD is not modelled as a page: x86-64's {@code pgd_alloc} takes it with
 * {@code __get_free_pages} when the mm is created (fork, exec), before the new task has a policy,
 * and no ctor adds it to NR_PAGETABLE; an order-0 page per mm (order 1 with PTI) that says
 * nothing about placement under a policy.
 *
 * <p>Tables are freed as {@code free_pgd_range} frees them: after an unmap, every table whose whole
 * span no VMA covers any more (upper levels with it); the deposited PTE table of a PMD-mapped THP
 * when the whole PMD is zapped ({@code zap_deposited_table}); everything at exit. MADV_DONTNEED
 * frees no table (except that deposit), as in the kernel. Simplification: the mmu_gather's table
 * batching (tlb_remove_table) is folded into the free.
 *
 * <p>Where the tables of a task bound by {@code set_mempolicy(MPOL_BIND, {P})} land, per design
 * (driver opted into the node's mempolicy; {@code PageTablePlacementTest} and
 * {@code scenarios/matrix-pgtable*.yaml} check every cell through the syscalls). The deciding
 * rule is mainline's apply_policy_zone: a BIND mask restricts a ZONE_NORMAL request only when a
 * policy node is in N_NORMAL_MEMORY, and a design that moves P to N_MEMORY_PRIVATE takes it out
 * of that state (Site.NODE_STATES), so its page tables fall back along the local node's zonelist:
 * <table>
 * <caption>page-table pages of a BIND-to-P task</caption>
 * <tr><th>design</th><th>P onlined normal ({@code private-normal})</th><th>P movable-only ({@code private-cxl})</th></tr>
 * <tr><td>unpatched</td><td>on P: a <b>leak</b> per table (P is ordinary N_NORMAL_MEMORY, the
 *   mask applies)</td><td>spill to the local node (the mask only binds ZONE_MOVABLE requests)</td></tr>
 * <tr><td>ops-struct, gfp-flag, zonelist-private</td><td>spill to the local node: P is
 *   N_MEMORY_PRIVATE, not N_NORMAL_MEMORY; the fault's folio still lands on P. No livelock, and
 *   non-folio allocations never reach P</td><td>spill (v5 §2 "no livelock"; branch selftest
 *   private_node_pagetables.sh case 1)</td></tr>
 * <tr><td>buddy-veto</td><td>ENOMEM, the fault fails (VM_FAULT_OOM; the kernel would OOM-loop):
 *   P stays in N_NORMAL_MEMORY so the mask binds, and the gate refuses every non-movable
 *   allocation on P before the veto is asked — the design's finding</td><td>spill</td></tr>
 * <tr><td>fallback-only, memalloc-scope</td><td>set_mempolicy naming P is EINVAL: the tables
 *   follow the default policy (local node)</td><td>same</td></tr>
 * </table>
 * A BIND mask that also names the local public node puts the tables there under every design.
 * (The later branch selftest private_node_pagetables.sh publishes a kernel-zoned private node in
 * N_HIGH_MEMORY, so its page tables land on the node; that is not the v5 reading modelled here.)
 */
public final class PageTablePages {
    /** GFP_PGTABLE_USER: GFP_KERNEL | __GFP_ACCOUNT | __GFP_ZERO (include/asm-generic/pgalloc.h). */
    public static final int GFP_PGTABLE_USER = Gfp.GFP_KERNEL.bits() | Gfp.Bits.ACCOUNT | Gfp.Bits.ZERO;

    /** {@code alloc_pages(gfp, order)} on behalf of {@code current}: its task policy, its CPU's node. */
    @FunctionalInterface
    public interface Allocation {
        /** @return the pfn, or -errno */
        long allocPages(Task current, int gfp, int order);
    }

    private final Allocation port;
    private final PageAllocator alloc;
    private final Memmap memmap;
    private final PhysicalMemory mem;

    public PageTablePages(Allocation port, PageAllocator alloc, Memmap memmap, PhysicalMemory mem) {
        this.port = port;
        this.alloc = alloc;
        this.memmap = memmap;
        this.mem = mem;
    }

    /** pagetable_alloc + the level's ctor; the pfn or -errno (ENOMEM). */
    long alloc(Task current) {
        // pagetable_alloc adds __GFP_COMP; at order 0 it changes nothing
        long pfn = port.allocPages(current, GFP_PGTABLE_USER | Gfp.Bits.COMP, 0);
        if (pfn < 0) {
            return pfn;
        }
        memmap.setFlags(pfn, Memmap.PG_TABLE);
        mem.count(memmap.nid(pfn), VmStat.NR_PAGE_TABLE_PAGES, 1);
        return pfn;
    }

    /** The level's dtor + pagetable_free. */
    void free(long pfn) {
        if ((memmap.flags(pfn) & Memmap.PG_TABLE) == 0) {
            throw new IllegalStateException(String.format("pfn 0x%x freed as a page table but is not one", pfn));
        }
        memmap.clearFlags(pfn, Memmap.PG_TABLE);
        mem.count(memmap.nid(pfn), VmStat.NR_PAGE_TABLE_PAGES, -1);
        alloc.freePages(pfn, 0);
    }

    /** Gives a new task an mm whose tables are pages of this allocator. */
    public void attach(Task t) {
        t.mm = new Mm(forTask(t), (v, haddr) -> ThpSplit.splitPmd(memmap, mem, v, haddr));
    }

    /** The tables of {@code owner}'s mm: allocated on behalf of the owner (fork: the parent, same policy). */
    RadixTable.TablePages forTask(Task owner) {
        return new RadixTable.TablePages() {
            @Override
            public long alloc(int level) {
                return PageTablePages.this.alloc(owner);
            }

            @Override
            public void free(int level, long pfn) {
                PageTablePages.this.free(pfn);
            }
        };
    }
}
