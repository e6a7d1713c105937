package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.DeviceStore.Content;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;

/**
 * A page's content kind travels with its data (R4.16): written with content on DRAM, it reaches
 * the device as that kind when it is migrated onto the node, and when it is swapped out and read
 * back into a folio of the node; the kind is kept a byte per page, in lazily allocated sections.
 */
class DeviceContentTest {
    private static final int P = PrivateWorld.P;

    static final class Stores extends RecordingDriver {
        final List<DeviceStore> stores = new ArrayList<>();

        Stores() {
            super(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY));
            caps = EnumSet.of(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        }

        @Override
        public void deviceStore(DeviceStore s) {
            stores.add(s);
        }
    }

    private static long anon(PrivateWorld w, long len) {
        return w.k.mmOps().mmap(w.task, 0, len, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "c");
    }

    @Test
    void a_migration_copy_onto_the_node_carries_the_written_content_page_by_page() {
        Stores drv = new Stores();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long a = anon(w, 2 * 4096);
        assertThat(w.k.mmOps().touch(w.task, a, 4096, true, Content.INCOMPRESSIBLE)).isZero();
        assertThat(w.k.mmOps().touch(w.task, a + 4096, 4096, true, Content.TEXT)).isZero();
        List<Long> src = List.of(w.k.mmOps().folioAt(w.task, a), w.k.mmOps().folioAt(w.task, a + 4096));
        Migration.Result r = w.k.migration().migrate(src, P, (s, order) -> {
            Gfp gfp = Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE);
            var ctx = w.k.dispatcher().userAllocation(new org.mmproto.api.design.UserAllocation(P, gfp, order,
                    org.mmproto.api.driver.Site.MIGRATE_TARGET, MigrateReason.MR_SYSCALL, null, false, false, 0,
                    w.task.ref()));
            w.k.alloc().prepare(ctx.zonelist(), true, 1L << P, MigrateReason.MR_SYSCALL);
            return w.k.alloc().allocPages(ctx.gfp().bits(), order, P, null, 0);
        }, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.nrSucceeded()).isEqualTo(2);
        assertThat(drv.stores).filteredOn(s -> s.kind() == DeviceStore.Kind.MIGRATION_COPY)
                .extracting(DeviceStore::content).containsExactly(Content.INCOMPRESSIBLE, Content.TEXT);
        // a plain write makes the kind unknown again; a write with content sets it
        assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).isZero();
        assertThat(drv.stores.get(drv.stores.size() - 1).content()).isEqualTo(Content.UNSPECIFIED);
    }

    @Test
    void a_page_swapped_out_comes_back_into_the_node_as_the_kind_it_left_as() {
        Stores drv = new Stores();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        w.k.swap().swapon(1024);
        long a = anon(w, 4096);
        assertThat(w.k.mmOps().touch(w.task, a, 4096, true, Content.TEXT)).isZero();
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isZero();
        assertThat(w.k.mmOps().madvise(w.task, a, 4096, MmOps.MADV_PAGEOUT)).isZero();
        assertThat(w.k.swap().freePages()).as("swapped out").isEqualTo(w.k.swap().totalPages() - 1);
        // the range is bound to the node now: the swap-in fault places the page there
        assertThat(w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), 64, 0)).isZero();
        assertThat(w.k.mmOps().touch(w.task, a, 4096, false)).isZero();
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(P);
        assertThat(drv.stores).filteredOn(s -> s.kind() == DeviceStore.Kind.SWAP_IN)
                .extracting(DeviceStore::content).containsExactly(Content.TEXT);
        assertThat(w.k.swap().freePages()).as("the slot and its content are freed").isEqualTo(w.k.swap().totalPages());
    }

    /** Migrates the folio at {@code head} onto the node under OpsStruct (an MR_SYSCALL move). */
    private static void migrateOnto(PrivateWorld w, long head) {
        Migration.Result r = w.k.migration().migrate(List.of(head), P, (s, order) -> {
            Gfp gfp = Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE);
            var ctx = w.k.dispatcher().userAllocation(new org.mmproto.api.design.UserAllocation(P, gfp, order,
                    org.mmproto.api.driver.Site.MIGRATE_TARGET, MigrateReason.MR_SYSCALL, null, false, false, 0,
                    w.task.ref()));
            w.k.alloc().prepare(ctx.zonelist(), true, 1L << P, MigrateReason.MR_SYSCALL);
            return w.k.alloc().allocPages(ctx.gfp().bits(), order, P, null, 0);
        }, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.nrSucceeded()).isEqualTo(1);
    }

    private static List<String> copies(Stores drv) {
        return drv.stores.stream().filter(s -> s.kind() == DeviceStore.Kind.MIGRATION_COPY)
                .map(s -> s.content() + "x" + s.pages()).toList();
    }

    @Test
    void a_zeroed_thp_on_dram_reaches_the_device_as_zero_whatever_its_pfns_held_before() {
        Stores drv = new Stores();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        w.k.setThp(org.mmproto.core.task.TransparentHugepage.Mode.ALWAYS);
        long len = 2L * 1024 * 1024;
        long a = anon(w, len);
        assertThat(w.k.mmOps().touch(w.task, a, len, true, Content.INCOMPRESSIBLE)).isZero();
        long first = w.k.mmOps().folioAt(w.task, a);
        assertThat(w.k.memmap().order(first)).isEqualTo(9);
        assertThat(w.k.mmOps().munmap(w.task, a, len)).isZero();
        long b = anon(w, len);
        assertThat(w.k.mmOps().touch(w.task, b, 4096, true, Content.TEXT)).isZero();
        long head = w.k.mmOps().folioAt(w.task, b);
        assertThat(head).as("the new THP reuses the freed one's pfns").isEqualTo(first);
        migrateOnto(w, head);
        // folio_zero_user cleared all 512 subpages: one TEXT page, 511 ZERO, no stale INCOMPRESSIBLE
        assertThat(copies(drv)).containsExactly("TEXTx1", "ZEROx511");
    }

    @Test
    void a_collapse_carries_each_present_page_kind_and_clears_the_absent_ones() {
        Stores drv = new Stores();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long len = 2L * 1024 * 1024;
        long a = w.k.mmOps().mmap(w.task, 0, 2 * len, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "c");
        long h = (a + len - 1) & -len; // a PMD-aligned range inside the mapping
        assertThat(w.k.mmOps().touch(w.task, h, 4096, true, Content.TEXT)).isZero();
        assertThat(w.k.mmOps().touch(w.task, h + 4096, 4096, true, Content.INCOMPRESSIBLE)).isZero();
        assertThat(w.k.mmOps().touch(w.task, h + 2 * 4096, 4096, true, Content.TEXT)).isZero();
        assertThat(w.k.mmOps().madvise(w.task, h, len, MmOps.MADV_COLLAPSE)).isZero();
        long head = w.k.mmOps().folioAt(w.task, h);
        assertThat(w.k.memmap().order(head)).isEqualTo(9);
        migrateOnto(w, head);
        assertThat(copies(drv)).containsExactly("TEXTx1", "INCOMPRESSIBLEx1", "TEXTx1", "ZEROx509");
    }

    @Test
    void the_kinds_are_a_byte_per_page_in_sections_allocated_on_first_known_kind() {
        DeviceMemory.PageContents t = new DeviceMemory.PageContents();
        long last = 12L * 1024 * 1024 - 1; // the default machine's 48 GiB
        assertThat(t.get(last)).isEqualTo(Content.UNSPECIFIED);
        t.set(0, 1 << 20, Content.UNSPECIFIED); // nothing known: nothing allocated
        assertThat(t.sectionsAllocated()).isZero();
        t.set(last, 1, Content.INCOMPRESSIBLE);
        assertThat(t.sectionsAllocated()).isEqualTo(1);
        assertThat(t.get(last)).isEqualTo(Content.INCOMPRESSIBLE);
        assertThat(t.get(last - 1)).isEqualTo(Content.UNSPECIFIED);
        t.set(100, 3, Content.ZERO);
        t.copy(100, 40_000, 3); // across a section boundary (2^15 pages)
        assertThat(t.get(40_002)).isEqualTo(Content.ZERO);
        assertThat(t.sectionsAllocated()).isEqualTo(3);
    }
}
