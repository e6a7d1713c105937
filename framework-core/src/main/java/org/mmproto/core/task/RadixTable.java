package org.mmproto.core.task;

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
    /** PTRS_PER_PTE = PTRS_PER_PMD = PTRS_PER_PUD = PTRS_PER_PGD on x86-64 4-level. */
    static final int PTRS = 512;
    static final int SHIFT = 9;
    private static final int MASK = PTRS - 1;
    /** Index bits the four levels resolve. */
    static final int INDEX_BITS = 4 * SHIFT;
    /** One past the largest index the table can hold. */
    static final long LIMIT = 1L << INDEX_BITS;

    private final long[][][][] pgd = new long[PTRS][][][];
    /** index >>> SHIFT of {@link #cachedLeaf}, -1 when none is cached. */
    private long cachedKey = -1;
    private long[] cachedLeaf;
    /** Leaf tables allocated (nr_ptes), for footprint reports and tests. */
    private long leaves;

    /** The entry at index; 0 when none (also for an index beyond {@link #LIMIT}). */
    long get(long index) {
        // the fast path stays small enough to inline into the fault and zap loops
        long[] leaf = (index >>> SHIFT) == cachedKey ? cachedLeaf : walk(index >>> SHIFT);
        return leaf == null ? 0 : leaf[(int) index & MASK];
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
     */
    long[] leafFor(long index) {
        checkIndex(index);
        long key = index >>> SHIFT;
        if (key == cachedKey) {
            return cachedLeaf;
        }
        int g = (int) (key >>> (2 * SHIFT));
        int u = (int) (key >>> SHIFT) & MASK;
        int m = (int) key & MASK;
        long[][][] pud = pgd[g];
        if (pud == null) {
            pud = pgd[g] = new long[PTRS][][];
        }
        long[][] pmd = pud[u];
        if (pmd == null) {
            pmd = pud[u] = new long[PTRS][];
        }
        long[] leaf = pmd[m];
        if (leaf == null) {
            leaf = pmd[m] = new long[PTRS];
            leaves++;
        }
        cachedKey = key;
        cachedLeaf = leaf;
        return leaf;
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

    /**
     * free_pgtables for [from, to): drops every leaf of the range whose entries are all 0, and
     * upper-level tables left empty. Leaves shared with live entries outside the range stay.
     */
    void freeEmpty(long from, long to) {
        long end = Math.min(to, LIMIT);
        for (long key = Math.max(from, 0) >>> SHIFT; (key << SHIFT) < end; ) {
            int g = (int) (key >>> (2 * SHIFT));
            long[][][] pud = pgd[g];
            if (pud == null) {
                key = (((long) g) + 1) << (2 * SHIFT);
                continue;
            }
            int u = (int) (key >>> SHIFT) & MASK;
            long[][] pmd = pud[u];
            if (pmd == null) {
                key = ((key >>> SHIFT) + 1) << SHIFT;
                continue;
            }
            int m = (int) key & MASK;
            long[] leaf = pmd[m];
            if (leaf != null && allZero(leaf)) {
                pmd[m] = null;
                leaves--;
                if (key == cachedKey) {
                    cachedKey = -1;
                    cachedLeaf = null;
                }
                if (allNull(pmd)) {
                    pud[u] = null;
                    if (allNull(pud)) {
                        pgd[g] = null;
                    }
                }
            }
            key++;
        }
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

    private static boolean allNull(Object[] table) {
        for (Object o : table) {
            if (o != null) {
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
