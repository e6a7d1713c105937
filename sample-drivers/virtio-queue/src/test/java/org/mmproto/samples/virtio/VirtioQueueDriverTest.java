package org.mmproto.samples.virtio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;
import org.mmproto.conformance.fixtures.StubDriverContext;

/** The driver on its own (the packaged jar runs the bundled scenario in framework-it). */
class VirtioQueueDriverTest {
    private static final TaskRef VMM = new TaskRef(100, "vmm", 1000);
    private final StubDriverContext ctx = new StubDriverContext();

    private VirtioQueueDriver bound(Map<String, Object> config, ZoneType zone, NodeOptIns[] out) {
        VirtioQueueDriver d = new VirtioQueueDriver();
        out[0] = d.bind(new NodeBinding(2, 1 << 18, zone, config), ctx);
        return d;
    }

    private static FolioRef folio(long pfn, boolean anon) {
        return new FolioRef(pfn, 0, 0, ZoneType.NORMAL, anon, 1);
    }

    @Test
    void binds_a_normal_node_with_mempolicy_and_pins_and_takes_its_rings_from_the_node() {
        NodeOptIns[] o = new NodeOptIns[1];
        VirtioQueueDriver d = bound(Map.of("ring_pages", 3), ZoneType.NORMAL, o);
        assertThat(o[0].flags()).containsExactlyInAnyOrder(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY,
                NpOps.NP_OPS_LONGTERM_PIN);
        assertThat(o[0].caps()).containsExactlyInAnyOrder(NodeCap.NODE_PRIVATE_CAP_USER_NUMA, NodeCap.NODE_PRIVATE_CAP_LTPIN);
        assertThat(NpOps.violations(o[0].flags(), java.util.EnumSet.of(org.mmproto.api.driver.Hook.MIGRATE_TO,
                org.mmproto.api.driver.Hook.FOLIO_MIGRATE))).isEmpty();
        assertThat(d.rings()).containsExactly(0x1000L, 0x1001L, 0x1002L);
        assertThat(ctx.stat("ring_pages")).isEqualTo(3);
        assertThat(ctx.ownedPages()).isEqualTo(3);
    }

    @Test
    void refuses_a_movable_node_and_a_node_without_room_for_its_rings() {
        NodeOptIns[] o = new NodeOptIns[1];
        assertThatThrownBy(() -> bound(Map.of(), ZoneType.MOVABLE, o))
                .hasMessageContaining("node 2 is onlined into ZONE_MOVABLE").hasMessageContaining("ZONE_NORMAL");
        ctx.limitOwnAllocationsTo(0x1001);
        assertThatThrownBy(() -> bound(Map.of("ring_pages", 2), ZoneType.NORMAL, o))
                .hasMessageContaining("ring page 1 of 2 could not be allocated (errno 12)");
    }

    @Test
    void kernel_allocations_are_vetoed_user_folios_are_not() {
        VirtioQueueDriver d = bound(Map.of("ring_pages", 0), ZoneType.NORMAL, new NodeOptIns[1]);
        Verdict kernel = d.allocVeto(new AllocRequest(2, 0, Gfp.GFP_KERNEL, 2, TaskRef.KERNEL, false, null));
        assertThat(kernel).isInstanceOfSatisfying(Verdict.Deny.class, v -> assertThat(v.errno()).isEqualTo(Errno.ENOMEM));
        assertThat(d.allocVeto(new AllocRequest(2, 0, Gfp.GFP_HIGHUSER_MOVABLE, 2, VMM, true, null)).allowed()).isTrue();
        assertThat(ctx.stat("kernel_refused")).isEqualTo(1);
    }

    @Test
    void only_the_shared_memfds_page_cache_is_placed_on_the_node() {
        VirtioQueueDriver d = bound(Map.of("ring_pages", 0), ZoneType.NORMAL, new NodeOptIns[1]);
        AllocRequest shared = new AllocRequest(2, 0, Gfp.GFP_HIGHUSER_MOVABLE, 2, VMM, true, null,
                org.mmproto.api.driver.Requests.Backing.SHMEM_SHARED);
        assertThat(d.allocVeto(shared).allowed()).isTrue();
        for (var b : new org.mmproto.api.driver.Requests.Backing[] {org.mmproto.api.driver.Requests.Backing.ANON,
                org.mmproto.api.driver.Requests.Backing.SHMEM_PRIVATE}) {
            Verdict v = d.allocVeto(new AllocRequest(2, 0, Gfp.GFP_HIGHUSER_MOVABLE, 2, VMM, true, null, b));
            assertThat(v).as(b.name()).isInstanceOfSatisfying(Verdict.Deny.class, x -> assertThat(x.errno()).isEqualTo(Errno.ENOMEM));
        }
        assertThat(ctx.stat("private_refused")).isEqualTo(2);
        // a migration target names no backing: migrate_to judges the folio
        assertThat(d.allocVeto(new AllocRequest(2, 0, Gfp.GFP_HIGHUSER_MOVABLE, 2, VMM, true,
                MigrateReason.MR_SYSCALL)).allowed()).isTrue();
        VirtioQueueDriver open = bound(Map.of("ring_pages", 0, "private_allocs", "allow"), ZoneType.NORMAL,
                new NodeOptIns[1]);
        assertThat(open.allocVeto(new AllocRequest(2, 0, Gfp.GFP_HIGHUSER_MOVABLE, 2, VMM, true, null,
                org.mmproto.api.driver.Requests.Backing.ANON)).allowed()).isTrue();
    }

    @Test
    void anonymous_folios_may_not_migrate_in_and_nothing_migrates_off() {
        VirtioQueueDriver d = bound(Map.of(), ZoneType.NORMAL, new NodeOptIns[1]);
        var anonIn = new MigrationRequest(folio(7, true), 0, 2, MigrateReason.MR_SYSCALL, VMM);
        var shmemIn = new MigrationRequest(folio(8, false), 0, 2, MigrateReason.MR_MEMPOLICY_MBIND, VMM);
        assertThat(d.migrateTo(anonIn)).isEqualTo(MigrateTo.refuse(Errno.ENOSPC));
        assertThat(d.migrateTo(shmemIn)).isEqualTo(MigrateTo.ACCEPT);
        assertThat(ctx.stat("anon_refused")).isEqualTo(1);
        assertThat(d.migrationFilter(new MigrationRequest(folio(9, false), 2, 0, MigrateReason.MR_SYSCALL, VMM)).allowed())
                .isFalse();
        assertThat(d.longtermPin(null).allowed()).isTrue();
    }

    @Test
    void the_config_can_allow_what_it_refuses_by_default_and_counts_foreign_frees() {
        VirtioQueueDriver d = bound(Map.of("kernel_allocs", "allow", "migrate_off", "allow", "ring_pages", 0),
                ZoneType.NORMAL, new NodeOptIns[1]);
        assertThat(d.allocVeto(new AllocRequest(2, 0, Gfp.GFP_KERNEL, 2, TaskRef.KERNEL, false, null)).allowed()).isTrue();
        assertThat(d.migrationFilter(new MigrationRequest(folio(9, false), 2, 0, MigrateReason.MR_SYSCALL, VMM)).allowed())
                .isTrue();
        d.freeFolio(new FreeEvent(folio(5, true), FreePath.FOLIOS_PUT));
        d.freeFolio(new FreeEvent(folio(6, false), FreePath.FOLIOS_PUT));
        assertThat(ctx.stat("foreign_frees")).isEqualTo(1);
    }

    @Test
    void a_bad_config_names_the_node_the_key_and_what_was_expected() {
        NodeOptIns[] o = new NodeOptIns[1];
        assertThatThrownBy(() -> bound(Map.of("rings", 4), ZoneType.NORMAL, o))
                .hasMessage("virtio-queue: node 2: unknown config key 'rings'; expected one of [ring_pages, kernel_allocs, migrate_off, private_allocs]");
        assertThatThrownBy(() -> bound(Map.of("ring_pages", 5000), ZoneType.NORMAL, o))
                .hasMessageContaining("ring_pages: expected a number of 4 KiB pages from 0 to 4096, got '5000'");
        assertThatThrownBy(() -> bound(Map.of("ring_pages", "16KiB"), ZoneType.NORMAL, o))
                .hasMessageContaining("ring_pages: expected a number");
        assertThatThrownBy(() -> bound(Map.of("kernel_allocs", "deny"), ZoneType.NORMAL, o))
                .hasMessageContaining("kernel_allocs: expected refuse or allow, got 'deny'");
    }
}
