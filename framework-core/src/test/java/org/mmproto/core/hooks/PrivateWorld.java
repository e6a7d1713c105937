package org.mmproto.core.hooks;

import static org.mmproto.core.testkit.TestMachines.MiB;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;

/** A DRAM-DRAM machine with private node 2 bound to a test driver, and one task on node 0. */
final class PrivateWorld {
    static final int P = 2;
    final Kernel k;
    final Task task;

    PrivateWorld(PrivateNodeDriver driver) {
        this(driver, new OpsStruct(), Duration.ZERO);
    }

    PrivateWorld(PrivateNodeDriver driver, Design design, Duration budget) {
        this(driver, design, budget, false);
    }

    PrivateWorld(PrivateNodeDriver driver, Design design, Duration budget, boolean movable) {
        List<DriverSpec> specs = driver == null ? List.of()
                : List.of(new DriverSpec("test-driver", () -> driver, P, Map.of(), "test", 1));
        k = Kernel.boot(movable ? TestMachines.dramDramPrivateMovable(64 * MiB, 64 * MiB)
                : TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true), design, specs, budget);
        k.setThp(TransparentHugepage.Mode.NEVER);
        task = k.spawn("t", 0, 0, 1000, Set.of());
    }

    /** A user page of the task faulted straight onto the private node under mbind(MPOL_BIND, {P}). */
    long faultedPageOnPrivateNode() {
        long addr = k.mmOps().mmap(task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "p");
        long r = k.numa().mbind(task, addr, 4096, org.mmproto.core.task.MemPolicy.MPOL_BIND,
                org.mmproto.core.policy.UserMask.of(org.mmproto.api.NodeMask.of(P)), 64, 0);
        int f = k.mmOps().touch(task, addr, 4096, true);
        if (r != 0 || f != 0 || k.memmap().nid(k.mmOps().folioAt(task, addr)) != P) {
            throw new AssertionError("could not fault a page onto the private node: mbind " + r + ", fault " + f);
        }
        return addr;
    }

    /** A user page of the task, faulted on node 0 and then migrated onto the private node. */
    /** Pages in allocated folios other than page tables (which a munmap or exit frees with the folios). */
    long userFolioPages() {
        return k.mem().pagesInFolios() - k.mem().vmstat(org.mmproto.core.stats.VmStat.NR_PAGE_TABLE_PAGES);
    }

    long userPageOnPrivateNode() {
        long addr = k.mmOps().mmap(task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "p");
        k.mmOps().touch(task, addr, 4096, true);
        long src = k.mmOps().folioAt(task, addr);
        Migration.Result r = k.migration().migrate(List.of(src), P, (s, order) -> {
            Gfp gfp = Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE);
            var ctx = k.dispatcher().userAllocation(new org.mmproto.api.design.UserAllocation(P, gfp, order,
                    org.mmproto.api.driver.Site.MIGRATE_TARGET, MigrateReason.MR_SYSCALL, null, false, false, 0, task.ref()));
            k.alloc().prepare(ctx.zonelist(), true, 1L << P, MigrateReason.MR_SYSCALL);
            return k.alloc().allocPages(ctx.gfp().bits(), order, P, null, 0);
        }, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        if (r.nrSucceeded() != 1) {
            throw new AssertionError("could not place a page on the private node: " + r.outcome()[0]);
        }
        return addr;
    }
}
