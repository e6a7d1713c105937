package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmproto.api.Gfp;
import org.mmproto.api.NodeMask;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Site;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;

/**
 * Every path of the engine that can touch a private node goes through the dispatcher: each row
 * runs one path against private node 2 and requires the dispatcher to have been consulted at the
 * row's site. A path that bypassed the dispatcher would leave the count at zero and fail here.
 * Demotion, promotion, khugepaged and compaction have sites but no engine path yet.
 */
class DispatcherCoverageTest {
    private static final int P = PrivateWorld.P;
    private static final long MAXNODE = 64;

    static Stream<Arguments> paths() {
        return Stream.of(
                row("kernel alloc_pages __GFP_THISNODE on P", Site.PAGE_ALLOC,
                        w -> w.k.alloc().allocPages(Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits() | Gfp.Bits.NOWARN, 0, P, null, 0)),
                row("kernel alloc_pages preferring P (own fallback list)", Site.PAGE_ALLOC,
                        w -> w.k.alloc().allocPages(Gfp.GFP_KERNEL.bits(), 0, P, null, 0)),
                row("user fault under mbind BIND {P}", Site.PAGE_ALLOC, w -> {
                    long a = anon(w);
                    w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0);
                    w.k.mmOps().touch(w.task, a, 4096, true);
                }),
                row("set_mempolicy naming P", Site.SET_MEMPOLICY,
                        w -> w.k.numa().setMempolicy(w.task, MemPolicy.MPOL_PREFERRED, UserMask.of(NodeMask.of(P)), MAXNODE)),
                row("mbind naming P", Site.MBIND,
                        w -> w.k.numa().mbind(w.task, anon(w), 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0)),
                row("move_pages onto P", Site.MIGRATE_TARGET, w -> {
                    long a = anon(w);
                    w.k.mmOps().touch(w.task, a, 4096, true);
                    w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {P}, MemPolicy.MPOL_MF_MOVE);
                }),
                row("move_pages off P", Site.MIGRATE_SOURCE, w -> {
                    long a = w.userPageOnPrivateNode();
                    w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {0}, MemPolicy.MPOL_MF_MOVE);
                }),
                row("migrate_pages off P", Site.MIGRATE_SOURCE, w -> {
                    w.userPageOnPrivateNode();
                    Task root = w.k.spawn("root", 0, 0, 0, java.util.Set.of(Task.CAP_SYS_NICE));
                    w.k.numa().migratePages(root, w.task.pid(), MAXNODE, UserMask.of(NodeMask.of(P)), UserMask.of(NodeMask.of(0)));
                }),
                row("mbind MOVE off P", Site.MIGRATE_SOURCE, w -> {
                    long a = w.userPageOnPrivateNode();
                    w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(0)), MAXNODE,
                            MemPolicy.MPOL_MF_MOVE);
                }),
                row("munmap frees (folios_put)", Site.FREE, w -> w.k.mmOps().munmap(w.task, w.userPageOnPrivateNode(), 4096)),
                row("exit frees (folios_put)", Site.FREE, w -> {
                    w.userPageOnPrivateNode();
                    w.k.mmOps().exit(w.task);
                }),
                row("MADV_DONTNEED frees", Site.FREE,
                        w -> w.k.mmOps().madvise(w.task, w.userPageOnPrivateNode(), 4096, MmOps.MADV_DONTNEED)),
                row("__free_pages of a kernel page", Site.FREE, w -> {
                    long p = w.k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, P, null, 0);
                    w.k.alloc().freePages(p, 0);
                }),
                row("FOLL_LONGTERM pin", Site.GUP_LONGTERM,
                        w -> w.k.gup().pin(w.task, w.userPageOnPrivateNode(), 1, Gup.FOLL_LONGTERM, new int[1])),
                row("mapping a folio of P (write protection)", Site.WRITE_PROTECT,
                        w -> w.k.mmOps().touch(w.task, w.userPageOnPrivateNode(), 4096, true)),
                row("user fault under mbind BIND {P}: allocation context", Site.ALLOC_CONTEXT, w -> {
                    long a = anon(w);
                    w.k.numa().mbind(w.task, a, 4096, MemPolicy.MPOL_BIND, UserMask.of(NodeMask.of(P)), MAXNODE, 0);
                    w.k.mmOps().touch(w.task, a, 4096, true);
                }),
                row("move_pages target node check", Site.MIGRATE_NODE, w -> {
                    long a = anon(w);
                    w.k.mmOps().touch(w.task, a, 4096, true);
                    w.k.numa().movePages(w.task, 0, new long[] {a}, new int[] {P}, MemPolicy.MPOL_MF_MOVE);
                }),
                row("__GFP_PRIVATE kernel page handed out on P", Site.PAGE_HANDOUT,
                        w -> w.k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, P, null, 0)),
                row("kswapd woken for P by an allocation below its low watermark", Site.RECLAIM, w -> {
                    while (w.k.alloc().allocPages(Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.GFP_PRIVATE).bits() | Gfp.Bits.NOWARN, 0, P, null, 0) >= 0) {
                        // fill the node until the slow path runs
                    }
                }),
                row("exit of a task mapping P", Site.TEARDOWN, w -> {
                    w.userPageOnPrivateNode();
                    w.k.mmOps().exit(w.task);
                }));
    }

    private static Arguments row(String path, Site site, Consumer<PrivateWorld> action) {
        return Arguments.of(path, site, action);
    }

    private static long anon(PrivateWorld w) {
        return w.k.mmOps().mmap(w.task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "x");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("paths")
    void the_path_consults_the_dispatcher_at_its_site(String path, Site site, Consumer<PrivateWorld> action) {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ZERO);
        long before = w.k.dispatcher().stats().consulted(site);
        action.accept(w);
        assertThat(w.k.dispatcher().stats().consulted(site)).as(path).isGreaterThan(before);
    }

    /** The baseline decides at the same sites: the sites are the engine's, not a design's. */
    @ParameterizedTest(name = "unpatched: {0} -> {1}")
    @MethodSource("paths")
    void the_unpatched_kernel_is_asked_at_the_same_site(String path, Site site, Consumer<PrivateWorld> action) {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(), new Unpatched(), Duration.ZERO);
        long before = w.k.dispatcher().stats().consulted(site);
        action.accept(w);
        assertThat(w.k.dispatcher().stats().consulted(site)).as(path).isGreaterThan(before);
        assertThat(w.k.dispatcher().stats().footprint()).as("mainline departs from nothing").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void boot_decides_node_states_zonelists_and_cpuset_once_per_private_node() {
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(), new OpsStruct(), Duration.ZERO);
        for (Site s : new Site[] {Site.NODE_STATES, Site.ZONELIST_BUILD, Site.CPUSET}) {
            assertThat(w.k.dispatcher().stats().consulted(s)).as(s.name()).isEqualTo(1);
        }
        assertThat(w.k.dispatcher().stats().footprint()).contains(Site.NODE_STATES, Site.ZONELIST_BUILD, Site.CPUSET);
    }
}
