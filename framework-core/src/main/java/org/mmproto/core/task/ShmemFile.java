package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.List;

/**
 * A memfd: a shmem inode with its page cache (folio pfn per page index, sparse like the
 * kernel's xarray: a huge, mostly unread file costs what was read) and its shared NUMA policy
 * (mbind on any shared mapping sets it for every mapper).
 */
public final class ShmemFile {
    /** A shared-policy range of the inode, in page indices [start, end). */
    public record PolicyRange(long start, long end, MemPolicy policy) {
    }

    final int id;
    final String name;
    /** pfn + 1 per page index (0 = not cached), so the radix table's empty value means "absent". */
    private final RadixTable cache = new RadixTable();
    private final long sizePages;
    final List<PolicyRange> sharedPolicy = new ArrayList<>();
    /** Pages charged to Committed_AS for it (shared anonymous mappings: shmem_acct_size), released with it. */
    long accountedPages;
    /** Open descriptors plus mappings; the file is truncated and freed when this drops to zero. */
    int users;

    ShmemFile(int id, String name, long sizePages) {
        this.id = id;
        this.name = name;
        this.sizePages = sizePages;
    }

    public int id() {
        return id;
    }

    /** The name /proc shows: "memfd:NAME". */
    public String name() {
        return name;
    }

    /** Pages this file holds charged to Committed_AS. */
    public long accountedPages() {
        return accountedPages;
    }

    public long sizePages() {
        return sizePages;
    }

    /** The folio cached at a page index, or -1. */
    public long cachedPfn(long index) {
        return index < sizePages ? cache.get(index) - 1 : -1;
    }

    /** Whether the page cache can hold index: inside the file and the table's 2^36 pages (256 TiB). */
    boolean cacheable(long index) {
        return index >= 0 && index < sizePages && index < RadixTable.LIMIT;
    }

    void setCached(long index, long pfn) {
        cache.set(index, pfn + 1);
    }

    /** Removes the folio at index from the page cache. */
    void uncache(long index) {
        cache.set(index, 0);
    }

    /** The first cached page index at or after from, or -1. */
    long nextCached(long from) {
        long i = cache.next(from, RadixTable.LIMIT);
        return i < RadixTable.LIMIT ? i : -1;
    }

    /** The shared policy at a page index, or null. */
    public MemPolicy policyAt(long index) {
        MemPolicy p = null;
        for (PolicyRange r : sharedPolicy) {
            if (index >= r.start() && index < r.end()) {
                p = r.policy();
            }
        }
        return p;
    }

    /** shmem_set_policy: later ranges override earlier ones. */
    public void setPolicy(long start, long end, MemPolicy policy) {
        sharedPolicy.add(new PolicyRange(start, end, policy));
    }

    public List<PolicyRange> sharedPolicy() {
        return List.copyOf(sharedPolicy);
    }
}
