package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mmproto.core.policy.MemPolicy;

/**
 * A memfd: a shmem inode with its page cache (folio pfn per page index, -1 = not cached) and
 * its shared NUMA policy (mbind on any shared mapping sets it for every mapper).
 */
public final class ShmemFile {
    /** A shared-policy range of the inode, in page indices [start, end). */
    public record PolicyRange(long start, long end, MemPolicy policy) {
    }

    final int id;
    final String name;
    long[] cache;
    final List<PolicyRange> sharedPolicy = new ArrayList<>();
    /** Open descriptors plus mappings; the file is truncated and freed when this drops to zero. */
    int users;

    ShmemFile(int id, String name, long sizePages) {
        this.id = id;
        this.name = name;
        this.cache = new long[(int) sizePages];
        Arrays.fill(cache, -1);
    }

    public int id() {
        return id;
    }

    /** The name /proc shows: "memfd:NAME". */
    public String name() {
        return name;
    }

    public long sizePages() {
        return cache.length;
    }

    public long cachedPfn(long index) {
        return index < cache.length ? cache[(int) index] : -1;
    }

    void setCached(long index, long pfn) {
        cache[(int) index] = pfn;
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
