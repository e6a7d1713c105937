package org.mmproto.core.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

/**
 * The reverse map's fault-time records (folio->mapping/index of anonymous folios) give the same
 * entries as the full walk over every address space, through fork, copy-on-write, munmap and
 * pfn reuse, memfd mappings and migration; and they are used where a folio is mapped once.
 */
class RmapRecordsTest {
    private static final int RW = MmOps.PROT_READ | MmOps.PROT_WRITE;

    @Test
    void records_find_what_the_full_walk_finds() {
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, false), new OpsStruct());
        k.setThp(TransparentHugepage.Mode.NEVER);
        MmOps ops = k.mmOps();
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long buf = ops.mmap(a, 0, 1 * MiB, RW, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "buf");
        ops.touch(a, buf, 1 * MiB, true);
        long first = ops.folioAt(a, buf);
        assertThat(k.rmap().soleAnonMapping(first)).as("a fresh anonymous folio is found by its record").isNotNull();

        Task b = ops.fork(a, "b", 0);
        assertThat(k.rmap().soleAnonMapping(first)).as("shared with the child: mapcount 2").isNull();
        ops.touch(b, buf, 64 * 1024, true); // CoW: b's copies are new folios; a's are its own again
        ops.touch(a, buf + 512 * 1024, 64 * 1024, true);

        ShmemFile f = ops.memfdCreate(a, "shm", 256 * 1024);
        long shm = ops.mmap(a, 0, 256 * 1024, RW, MmOps.MAP_SHARED, f, 0, "shm");
        long priv = ops.mmap(b, 0, 256 * 1024, RW, MmOps.MAP_PRIVATE, f, 0, "priv");
        ops.touch(a, shm, 256 * 1024, true);
        ops.touch(b, priv, 128 * 1024, false);
        ops.touch(b, priv + 128 * 1024, 128 * 1024, true);

        // freed pfns come back to new mappings whose records replace the old ones
        ops.munmap(a, buf + 256 * 1024, 256 * 1024);
        long again = ops.mmap(a, 0, 512 * 1024, RW, MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "again");
        ops.touch(a, again, 512 * 1024, true);

        // move_pages: the copies take the record over
        long[] pages = new long[16];
        int[] nodes = new int[16];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = again + i * 4096L;
            nodes[i] = 1;
        }
        assertThat(k.numa().movePages(a, 0, pages, nodes, MemPolicy.MPOL_MF_MOVE).ret()).isZero();
        long moved = ops.folioAt(a, again);
        assertThat(k.memmap().nid(moved)).isEqualTo(1);
        assertThat(k.rmap().soleAnonMapping(moved)).as("the migrated folio's record").isNotNull();

        List<Long> heads = new ArrayList<>(mappedFolios(k));
        assertThat(heads).hasSizeGreaterThan(400);
        Mappings fast = k.rmap().index(heads);
        Mappings walk = k.rmap().indexByWalk(heads);
        int byRecord = 0;
        for (long h : heads) {
            assertThat(fast.describe(h)).as("folio 0x%x", h).isEqualTo(walk.describe(h)).isNotEmpty();
            byRecord += k.rmap().soleAnonMapping(h) != null ? 1 : 0;
        }
        assertThat(byRecord).as("folios the records answered").isGreaterThan(150);
    }

    private static Set<Long> mappedFolios(Kernel k) {
        Set<Long> heads = new TreeSet<>();
        for (Task t : k.taskList().tasks()) {
            if (t.mm() == null) {
                continue;
            }
            for (Vma v : t.mm().vmas.values()) {
                for (long a = v.nextMapped(v.start(), v.end()); a < v.end(); a = v.nextMapped(a + Mm.PAGE_SIZE, v.end())) {
                    long pte = v.pte(a);
                    if (Pte.present(pte) && (pte & Pte.ZERO) == 0) {
                        heads.add(k.rmap().folioHead(pte));
                    }
                }
            }
        }
        for (ShmemFile f : k.taskList().memfds()) {
            for (long i = f.nextCached(0); i >= 0; i = f.nextCached(i + 1)) {
                heads.add(f.cachedPfn(i));
            }
        }
        return heads;
    }
}
