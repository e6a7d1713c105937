package org.mmproto.core.task;

import java.util.HashMap;

/**
 * A sparse table of longs indexed by a 36-bit index, built like x86-64's four page-table levels:
 * a pgd of 512 slots, pud and pmd tables of 512 slots allocated when an entry below them is first
 * set, and leaf tables of 512 primitive longs (a PTE page). Zero is the empty value (pte_none).
 * An untouched table costs the pgd alone; each touched 512-entry span costs one 4 KiB leaf plus
 * its share of the upper levels, whatever the size of the mapping.
 *
 * <p>The page table uses it indexed by virtual page number (addr >>> 12, so 2^36 pages = the
 * 48-bit address space); a memfd's page cache uses it indexed by file page (as an xarray).
 *
 * <p>The last leaf looked up is remembered (a one-entry TLB of the walk), so the fault path,
 * which reads and then writes the same entry, and every sequential scan, walk the levels once
 * per 512 entries.
 */
final class RadixTable {
    /**
     * Where the tables' pages come from: the page allocator for a page table ({@link PageTablePages}),
     * nowhere for a page cache (an xarray's nodes are slab objects, not modelled).
     */
    interface TablePages {
        /** A zeroed page for a table of {@code level} ({@link #PUD}, {@link #PMD}, {@link #PTE}): its pfn, or -errno. */
        long alloc(int level);

        /** Frees the page of a table of {@code level} that held nothing any more. */
        void free(int level, long pfn);
    }

    static final int PUD = 1;
    static final int PMD = 2;
    static final int PTE = 3;

    /** PTRS_PER_PTE = PTRS_PER_PMD = PTRS_PER_PUD = PTRS_PER_PGD on x86-64 4-level. */
    static final int PTRS = 512;
    static final int SHIFT = 9;
    private static final int MASK = PTRS - 1;
    /** Index bits the four levels resolve. */
    static final int INDEX_BITS = 4 * SHIFT;
    /** One past the largest index the table can hold. */
    static final long LIMIT = 1L << INDEX_BITS;

    private final long[][][][] pgd = new long[PTRS][][][];
    /** Null for a page cache: its tables take no pages. */
    private final TablePages pages;
    /** The pfn of each table's page, keyed by {@link #tableKey}; empty when {@link #pages} is null. */
    private final HashMap<Long, Long> tablePfn = new HashMap<>();
    /** Tables of every level below the pgd (pud + pmd + pte pages). */
    private long tables;
    /** index >>> SHIFT of {@link #cachedLeaf}, -1 when none is cached. */
    private long cachedKey = -1;
    private long[] cachedLeaf;
    /** Leaf tables allocated (nr_ptes, deposited ones included), for footprint reports and tests. */
    private long leaves;
    /**
     * Huge PMD entries (a PMD-mapped THP), keyed by index >>> SHIFT: the PMD slot maps the folio
     * itself and no PTE table is in use; the table deposited for a later split is a page in
     * {@link #tablePfn} under the PTE key, without a leaf array until the split.
     */
    private final HashMap<Long, Long> huge = new HashMap<>();

    /** A table that takes no pages (a memfd's page cache). */
    RadixTable() {
        this(null);
    }

    /** A page table whose pud, pmd and pte tables are pages from {@code pages}. */
    RadixTable(TablePages pages) {
        this.pages = pages;
    }

    /** The entry at index; 0 when none (also for an index beyond {@link #LIMIT}). */
    long get(long index) {
        // the fast path stays small enough to inline into the fault and zap loops
        long[] leaf = (index >>> SHIFT) == cachedKey ? cachedLeaf : walk(index >>> SHIFT);
        if (leaf != null) {
            return leaf[(int) index & MASK];
        }
        return huge.isEmpty() ? 0 : hugeView(index);
    }

    /**
     * The entry a per-page reader sees inside a huge PMD: the PMD's bits with the pfn of the page
     * at index ({@link Pte#PMD} set); 0 when index is in no huge PMD.
     */
    private long hugeView(long index) {
        Long p = huge.get(index >>> SHIFT);
        return p == null ? 0 : p + (index & MASK);
    }

    /** The huge PMD entry covering index (pfn of the folio's head, {@link Pte#PMD} set), or 0. */
    long pmd(long index) {
        if (huge.isEmpty()) {
            return 0;
        }
        Long p = huge.get(index >>> SHIFT);
        return p == null ? 0 : p;
    }

    /** Updates an existing huge PMD entry (its young, dirty and write bits, or its pfn on migration). */
    void setPmd(long index, long value) {
        long key = index >>> SHIFT;
        if (!huge.containsKey(key) || (value & Pte.PMD) == 0 || (Pte.pfn(value) & MASK) != 0) {
            throw new IllegalStateException("no huge PMD at index " + index + " to set to 0x" + Long.toHexString(value));
        }
        huge.put(key, value);
    }

    /**
     * do_huge_pmd_anonymous_page / copy_huge_pmd: maps index's PMD slot huge, first taking the
     * page of the PTE table deposited with it (pgtable_trans_huge_deposit). The pud and pmd
     * tables must exist ({@link #ensureUpper}) and the slot must be pmd_none. 0 or -errno (no
     * page for the deposit: nothing is mapped).
     */
    int mapHuge(long index, long pmdValue) {
        long key = index >>> SHIFT;
        long[][] pmd = pmdTable(key);
        if (pmd == null || pmd[(int) key & MASK] != null || huge.containsKey(key)) {
            throw new IllegalStateException("PMD slot of index " + index + " is not pmd_none");
        }
        if (!page(PTE, key)) {
            return lastErrno;
        }
        leaves++;
        huge.put(key, checkedPmd(pmdValue));
        return 0;
    }

    /**
     * collapse_huge_page: the PTE table of index (emptied by the caller) stops being in use and
     * becomes the PMD's deposited table, and the slot maps the new folio huge.
     */
    void collapseLeaf(long index, long pmdValue) {
        long key = index >>> SHIFT;
        long[][] pmd = pmdTable(key);
        long[] leaf = pmd == null ? null : pmd[(int) key & MASK];
        if (leaf == null || !allZero(leaf)) {
            throw new IllegalStateException("collapsing index " + index + " whose PTE table is absent or still maps pages");
        }
        pmd[(int) key & MASK] = null;
        if (key == cachedKey) {
            cachedKey = -1;
            cachedLeaf = null;
        }
        huge.put(key, checkedPmd(pmdValue));
    }

    /**
     * __split_huge_pmd: withdraws the deposited table of index's huge PMD and puts it in use; the
     * caller fills its 512 entries. Returns the leaf.
     */
    long[] splitHuge(long index) {
        long key = index >>> SHIFT;
        if (huge.remove(key) == null) {
            throw new IllegalStateException("no huge PMD at index " + index + " to split");
        }
        long[] leaf = new long[PTRS];
        pmdTable(key)[(int) key & MASK] = leaf;
        return leaf;
    }

    /** zap_huge_pmd: clears index's huge PMD and frees its deposited table (zap_deposited_table). */
    void zapHuge(long index) {
        long key = index >>> SHIFT;
        if (huge.remove(key) == null) {
            throw new IllegalStateException("no huge PMD at index " + index + " to zap");
        }
        leaves--;
        unpage(PTE, key);
    }

    /** Huge PMD entries mapped (PMD-mapped THPs of this page table). */
    long hugePmds() {
        return huge.size();
    }

    private long[][] pmdTable(long key) {
        long[][][] pud = pgd[(int) (key >>> (2 * SHIFT))];
        return pud == null ? null : pud[(int) (key >>> SHIFT) & MASK];
    }

    private static long checkedPmd(long v) {
        if ((v & Pte.PMD) == 0 || (v & Pte.PRESENT) == 0 || (Pte.pfn(v) & MASK) != 0) {
            throw new IllegalArgumentException("not a huge PMD entry: 0x" + Long.toHexString(v));
        }
        return v;
    }

    /** Sets the entry at index; setting 0 where no leaf exists allocates nothing. */
    void set(long index, long value) {
        long[] leaf = (index >>> SHIFT) == cachedKey ? cachedLeaf : value == 0 ? walk(index >>> SHIFT) : leafFor(index);
        if (leaf != null) {
            leaf[(int) index & MASK] = value;
        }
    }

    /** The slow path: walks the levels and caches the leaf found (null: none). */
    private long[] walk(long key) {
        long[] leaf = lookup(key);
        if (leaf != null) {
            cachedKey = key;
            cachedLeaf = leaf;
        }
        return leaf;
    }

    /**
     * The leaf table holding index, allocated (with any missing upper level) if absent: a THP
     * fills a whole PMD-aligned leaf at once through it. Slot of index is {@code index & 511}.
     * Paths that can fail allocate first with {@link #ensure}; a table page refused here is an
     * engine path that set an entry without allocating its table (throws).
     */
    long[] leafFor(long index) {
        checkIndex(index);
        long key = index >>> SHIFT;
        if (key == cachedKey) {
            return cachedLeaf;
        }
        int r = ensure(index);
        if (r < 0) {
            throw new IllegalStateException("no page for the page table at index " + index + " (errno " + -r
                    + "): the caller must allocate its tables first (pte_alloc)");
        }
        return walk(key);
    }

    /**
     * __pud_alloc, __pmd_alloc and __pte_alloc for index: allocates each missing table, upper
     * levels first. Returns 0, or the -errno of the first table that could not be allocated
     * (the tables allocated before it stay, as in the kernel, until free_pgtables).
     */
    int ensure(long index) {
        // the leaf the fault just read through is the one it needs: small enough to inline
        return (index >>> SHIFT) == cachedKey ? 0 : ensureTables(index);
    }

    private int ensureTables(long index) {
        int r = ensureUpper(index);
        if (r < 0) {
            return r;
        }
        long key = index >>> SHIFT;
        long[][] pmd = pgd[(int) (key >>> (2 * SHIFT))][(int) (key >>> SHIFT) & MASK];
        int m = (int) key & MASK;
        if (pmd[m] == null) {
            if (!huge.isEmpty() && huge.containsKey(key)) {
                throw new IllegalStateException("a PTE table asked for index " + index
                        + " inside a huge PMD: the PMD must be split first");
            }
            if (!page(PTE, key)) {
                return lastErrno;
            }
            pmd[m] = new long[PTRS];
            leaves++;
        }
        return 0;
    }

    /** The pud and pmd tables above index (__handle_mm_fault before a huge PMD fault); 0 or -errno. */
    int ensureUpper(long index) {
        checkIndex(index);
        long key = index >>> SHIFT;
        int g = (int) (key >>> (2 * SHIFT));
        if (pgd[g] == null) {
            if (!page(PUD, g)) {
                return lastErrno;
            }
            pgd[g] = new long[PTRS][][];
        }
        int u = (int) (key >>> SHIFT) & MASK;
        if (pgd[g][u] == null) {
            if (!page(PMD, key >>> SHIFT)) {
                return lastErrno;
            }
            pgd[g][u] = new long[PTRS][];
        }
        return 0;
    }

    /** Whether a leaf (PTE) table exists for index: the PMD entry is not pmd_none. */
    boolean leafPresent(long index) {
        return leafIfPresent(index) != null || pmd(index) != 0;
    }

    private int lastErrno;

    /** Takes a page for a table of level with prefix; false (and {@link #lastErrno}) when refused. */
    private boolean page(int level, long prefix) {
        if (pages != null) {
            long pfn = pages.alloc(level);
            if (pfn < 0) {
                lastErrno = (int) pfn;
                return false;
            }
            tablePfn.put(tableKey(level, prefix), pfn);
        }
        tables++;
        return true;
    }

    private void unpage(int level, long prefix) {
        if (pages != null) {
            Long pfn = tablePfn.remove(tableKey(level, prefix));
            if (pfn == null) {
                throw new IllegalStateException("level-" + level + " table " + prefix + " has no page");
            }
            pages.free(level, pfn);
        }
        tables--;
    }

    private static long tableKey(int level, long prefix) {
        return ((long) level << 60) | prefix;
    }

    /** The leaf table holding index, or null when none is allocated (nothing is allocated here). */
    long[] leafIfPresent(long index) {
        return (index >>> SHIFT) == cachedKey ? cachedLeaf : walk(index >>> SHIFT);
    }

    private long[] lookup(long key) {
        if ((key >>> (3 * SHIFT)) != 0) {
            return null;
        }
        long[][][] pud = pgd[(int) (key >>> (2 * SHIFT))];
        if (pud == null) {
            return null;
        }
        long[][] pmd = pud[(int) (key >>> SHIFT) & MASK];
        return pmd == null ? null : pmd[(int) key & MASK];
    }

    /**
     * The first index in [from, to) whose entry is not 0, or {@code to} when there is none.
     * Absent tables are skipped whole, so a scan of an untouched range costs one check per
     * missing upper-level slot, not one per index.
     */
    long next(long from, long to) {
        long i = Math.max(from, 0);
        long end = Math.min(to, LIMIT);
        while (i < end) {
            long key = i >>> SHIFT;
            long[] leaf = key == cachedKey ? cachedLeaf : lookup(key);
            if (leaf == null) {
                if (!huge.isEmpty() && huge.containsKey(key)) {
                    return i;
                }
                i = skipAbsent(key);
                continue;
            }
            cachedKey = key;
            cachedLeaf = leaf;
            long stop = Math.min(end, (key + 1) << SHIFT);
            for (; i < stop; i++) {
                if (leaf[(int) i & MASK] != 0) {
                    return i;
                }
            }
        }
        return to;
    }

    /** The first index after the absent leaf at key, jumping over a missing pmd or pud table too. */
    private long skipAbsent(long key) {
        long[][][] pud = pgd[(int) (key >>> (2 * SHIFT))];
        if (pud == null) {
            return ((key >>> (2 * SHIFT)) + 1) << (3 * SHIFT);
        }
        if (pud[(int) (key >>> SHIFT) & MASK] == null) {
            return ((key >>> SHIFT) + 1) << (2 * SHIFT);
        }
        return (key + 1) << SHIFT;
    }

    /** Whether some VMA still covers part of the index span [from, to). */
    @FunctionalInterface
    interface SpanUse {
        boolean inUse(long from, long to);
    }

    /**
     * free_pgd_range for [from, to): frees every table meeting the range whose whole span no
     * VMA covers any more (floor and ceiling are the neighbouring VMAs), upper levels with the
     * tables below them. A freed leaf must hold no entry (the range was zapped first).
     */
    void freeUnused(long from, long to, SpanUse use) {
        long lo = Math.max(from, 0);
        long hi = Math.min(to, LIMIT);
        if (lo >= hi) {
            return;
        }
        long first = lo >>> SHIFT;
        long last = (hi - 1) >>> SHIFT;
        for (long g = first >>> (2 * SHIFT); g <= last >>> (2 * SHIFT); g++) {
            long[][][] pud = pgd[(int) g];
            if (pud == null) {
                continue;
            }
            if (!use.inUse(g << (3 * SHIFT), (g + 1) << (3 * SHIFT))) {
                freePud((int) g);
                continue;
            }
            long uFrom = Math.max(first >>> SHIFT, g << SHIFT);
            long uTo = Math.min(last >>> SHIFT, ((g + 1) << SHIFT) - 1);
            for (long uk = uFrom; uk <= uTo; uk++) {
                long[][] pmd = pud[(int) uk & MASK];
                if (pmd == null) {
                    continue;
                }
                if (!use.inUse(uk << (2 * SHIFT), (uk + 1) << (2 * SHIFT))) {
                    freePmd(uk);
                    continue;
                }
                long mFrom = Math.max(first, uk << SHIFT);
                long mTo = Math.min(last, ((uk + 1) << SHIFT) - 1);
                for (long key = mFrom; key <= mTo; key++) {
                    if (pmd[(int) key & MASK] != null && !use.inUse(key << SHIFT, (key + 1) << SHIFT)) {
                        freeLeafAt(key);
                    }
                }
            }
        }
    }

    /** Every table: exit_mmap's free_pgtables over the whole address space. */
    void freeAll() {
        for (int g = 0; g < PTRS; g++) {
            if (pgd[g] != null) {
                freePud(g);
            }
        }
    }

    private void freePud(int g) {
        long[][][] pud = pgd[g];
        for (int u = 0; u < PTRS; u++) {
            if (pud[u] != null) {
                freePmd(((long) g << SHIFT) | u);
            }
        }
        pgd[g] = null;
        unpage(PUD, g);
    }

    private void freePmd(long uk) {
        long[][] pmd = pgd[(int) (uk >>> SHIFT)][(int) uk & MASK];
        for (int m = 0; m < PTRS; m++) {
            if (!huge.isEmpty() && huge.containsKey((uk << SHIFT) | m)) {
                throw new IllegalStateException("freeing the page table above index " + (((uk << SHIFT) | m) << SHIFT)
                        + " while a huge PMD still maps a THP there");
            }
            if (pmd[m] != null) {
                freeLeafAt((uk << SHIFT) | m);
            }
        }
        pgd[(int) (uk >>> SHIFT)][(int) uk & MASK] = null;
        unpage(PMD, uk);
    }

    private void freeLeafAt(long key) {
        long[][] pmd = pgd[(int) (key >>> (2 * SHIFT))][(int) (key >>> SHIFT) & MASK];
        long[] leaf = pmd[(int) key & MASK];
        if (!allZero(leaf)) {
            throw new IllegalStateException("freeing the page table of index " + (key << SHIFT)
                    + " while it still maps pages");
        }
        pmd[(int) key & MASK] = null;
        leaves--;
        if (key == cachedKey) {
            cachedKey = -1;
            cachedLeaf = null;
        }
        unpage(PTE, key);
    }

    /** Tables of every level below the pgd (each a page when the table has {@link TablePages}). */
    long tables() {
        return tables;
    }

    /** Leaf tables currently allocated. */
    long leafTables() {
        return leaves;
    }

    private static boolean allZero(long[] leaf) {
        for (long v : leaf) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkIndex(long index) {
        if (index < 0 || index >= LIMIT) {
            // the callers bound their indices (TASK_SIZE, memfd size); reaching this is an engine bug
            throw new IllegalArgumentException("index " + index + " beyond the 4-level table (2^" + INDEX_BITS + ")");
        }
    }
}
