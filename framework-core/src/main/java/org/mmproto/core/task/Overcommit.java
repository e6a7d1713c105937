package org.mmproto.core.task;

import org.mmproto.core.machine.VmTunables;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.SwapSpace;

/**
 * Virtual-memory accounting: {@code vm_committed_as} (Committed_AS) and the check
 * {@code __vm_enough_memory} (mm/util.c) makes before a mapping is charged to it. Private writable
 * mappings are charged at mmap (accountable_mapping, mm/mmap.c), shared anonymous ones when their
 * shmem file is set up (shmem_acct_size), the child's accounted VMAs at fork (dup_mmap); the charge
 * is released at munmap, exit and the shmem file's last put. total_swap_pages is the swap
 * device's (0 before swapon); no hugetlb pages are reserved.
 */
public final class Overcommit {
    public static final int OVERCOMMIT_GUESS = 0;
    public static final int OVERCOMMIT_ALWAYS = 1;
    public static final int OVERCOMMIT_NEVER = 2;

    private final int mode;
    private final int ratio;
    private final long kbytes;
    private final long totalramPages;
    /** sysctl_admin_reserve_kbytes in pages: min(3% of free, 8 MiB) at boot (init_admin_reserve). */
    private final long adminReservePages;
    /** sysctl_user_reserve_kbytes in pages: min(3% of free, 128 MiB) at boot (init_user_reserve). */
    private final long userReservePages;
    private long committed;

    private final SwapSpace swap;

    public Overcommit(VmTunables vm, PhysicalMemory mem, SwapSpace swap) {
        this.swap = swap;
        this.mode = vm.overcommitMemory();
        this.ratio = vm.overcommitRatio();
        this.kbytes = vm.overcommitKbytes();
        this.totalramPages = mem.totalManagedPages();
        long freeKbytes = mem.totalFreePages() * 4;
        this.adminReservePages = Math.min(freeKbytes / 32, 8L << 10) / 4;
        this.userReservePages = Math.min(freeKbytes / 32, 128L << 10) / 4;
    }

    public int mode() {
        return mode;
    }

    /** vm_commit_limit: overcommit_kbytes if set, else overcommit_ratio % of RAM, plus swap. */
    public long commitLimitPages() {
        return (kbytes != 0 ? kbytes / 4 : totalramPages * ratio / 100) + swap.totalPages();
    }

    /** Committed_AS in pages. */
    public long committedPages() {
        return Math.max(committed, 0);
    }

    /**
     * __vm_enough_memory: charges {@code pages} and keeps the charge when the mode allows it; on
     * refusal nothing stays charged and the caller returns ENOMEM.
     */
    boolean charge(Mm mm, long pages, boolean capSysAdmin) {
        committed += pages;
        if (mode == OVERCOMMIT_ALWAYS) {
            return true;
        }
        if (mode == OVERCOMMIT_GUESS) {
            if (pages <= totalramPages + swap.totalPages()) {
                return true;
            }
            committed -= pages;
            return false;
        }
        long allowed = commitLimitPages();
        if (!capSysAdmin) {
            allowed -= adminReservePages;
        }
        if (mm != null) {
            allowed -= Math.min(mm.totalVmPages() / 32, userReservePages);
        }
        // the kernel compares the counter with the new charge already added
        if (committedPages() < allowed) {
            return true;
        }
        committed -= pages;
        return false;
    }

    /** vm_acct_memory: a charge that is not checked. */
    void add(long pages) {
        committed += pages;
    }

    /** vm_unacct_memory. */
    void uncharge(long pages) {
        committed -= pages;
    }
}
