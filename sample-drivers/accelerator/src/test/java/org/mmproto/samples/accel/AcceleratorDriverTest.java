package org.mmproto.samples.accel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.TeardownEvent;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.conformance.fixtures.StubDriverContext;

/** The driver's bookkeeping on its own: device state per task, set up at migrate_to, released when it maps no page any more. */
class AcceleratorDriverTest {
    private static final TaskRef A = new TaskRef(100, "a", 1000);
    private static final TaskRef B = new TaskRef(101, "b", 1000);
    private final StubDriverContext ctx = new StubDriverContext();

    private AcceleratorDriver bound(Map<String, Object> config) {
        AcceleratorDriver d = new AcceleratorDriver();
        NodeOptIns o = d.bind(new NodeBinding(2, 1 << 18, ZoneType.MOVABLE, config), ctx);
        assertThat(o.flags()).containsExactlyInAnyOrder(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        assertThat(o.caps()).containsExactly(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        return d;
    }

    private static FolioRef at(long pfn, int nid) {
        return new FolioRef(pfn, 0, nid, nid == 2 ? ZoneType.MOVABLE : ZoneType.NORMAL, true, 1);
    }

    /** migrate_to then the copy's folio_migrate, as the engine calls them for one folio. */
    private static void arrive(AcceleratorDriver d, TaskRef t, long src, long dst) {
        assertThat(d.migrateTo(new MigrationRequest(at(src, 0), 0, 2, MigrateReason.MR_MEMPOLICY_MBIND, t)))
                .isEqualTo(MigrateTo.ACCEPT);
        d.folioMigrate(at(src, 0), at(dst, 2));
    }

    @Test
    void a_task_gets_one_device_context_from_the_node_and_loses_it_after_teardown_and_the_frees() {
        AcceleratorDriver d = bound(Map.of("context_order", 1));
        arrive(d, A, 10, 0x9000);
        arrive(d, A, 11, 0x9001);
        arrive(d, B, 12, 0x9002);
        assertThat(ctx.owned()).containsOnlyKeys(0x1000L, 0x1002L); // order-1 contexts for a and b
        assertThat(ctx.stat("device_mappings")).isEqualTo(2);
        assertThat(ctx.stat("device_pages")).isEqualTo(3);
        // one of a's pages migrates back off the device
        d.folioMigrate(at(0x9001, 2), at(20, 0));
        assertThat(ctx.stat("device_pages")).isEqualTo(2);
        // a exits: teardown first (nothing released while a page is left), then the zap's free
        d.teardown(new TeardownEvent(A, 0x7f0000000000L, 0x7f0000100000L, 1));
        assertThat(ctx.stat("device_mappings")).isEqualTo(2);
        d.freeFolio(new FreeEvent(at(0x9000, 2), FreePath.FOLIOS_PUT));
        assertThat(ctx.stat("device_mappings")).isEqualTo(1);
        assertThat(ctx.stat("contexts_released")).isEqualTo(1);
        assertThat(ctx.owned()).containsOnlyKeys(0x1002L);
        assertThat(d.liveContexts()).isEqualTo(1);
    }

    @Test
    void a_folio_arriving_in_the_batch_that_takes_the_last_page_off_keeps_the_task_state() {
        AcceleratorDriver d = bound(Map.of());
        arrive(d, A, 10, 0x9000);
        // one batch: migrate_to accepts a's folio 11 first, then the move pass takes 0x9000 off
        // (the task's last page here) before 11's copy arrives
        assertThat(d.migrateTo(new MigrationRequest(at(11, 0), 0, 2, MigrateReason.MR_MEMPOLICY_MBIND, A)))
                .isEqualTo(MigrateTo.ACCEPT);
        d.folioMigrate(at(0x9000, 2), at(20, 0));
        assertThat(ctx.stat("device_mappings")).as("11 is still coming").isEqualTo(1);
        d.folioMigrate(at(11, 0), at(0x9001, 2));
        assertThat(ctx.stat("device_pages")).isEqualTo(1);
        assertThat(ctx.stat("contexts_created")).isEqualTo(1);
        d.freeFolio(new FreeEvent(at(0x9001, 2), FreePath.FOLIO_PUT));
        assertThat(ctx.stat("device_mappings")).isZero();
        assertThat(ctx.stat("contexts_released")).isEqualTo(1);
    }

    @Test
    void the_last_page_freed_releases_the_context_as_no_teardown_follows_a_vma_with_nothing_on_the_node() {
        AcceleratorDriver d = bound(Map.of());
        arrive(d, A, 10, 0x9000);
        arrive(d, A, 11, 0x9001);
        d.freeFolio(new FreeEvent(at(0x9000, 2), FreePath.FOLIO_PUT)); // MADV_DONTNEED of one page
        assertThat(ctx.stat("device_mappings")).isEqualTo(1);
        d.freeFolio(new FreeEvent(at(0x9001, 2), FreePath.FOLIO_PUT)); // and of the last: exit sends no teardown now
        assertThat(ctx.stat("device_mappings")).isZero();
        assertThat(ctx.stat("contexts_released")).isEqualTo(1);
        assertThat(ctx.owned()).isEmpty();
        // the task comes back to the device: new state
        arrive(d, A, 12, 0x9002);
        assertThat(ctx.stat("contexts_created")).isEqualTo(2);
        assertThat(ctx.stat("device_mappings")).isEqualTo(1);
        // a teardown of a task the device never saw changes nothing
        d.teardown(new TeardownEvent(B, 0, 4096, 1));
        assertThat(ctx.stat("contexts_released")).isEqualTo(1);
    }

    /** mbind MF_MOVE to the device, mbind MF_MOVE back to node 0, exit: R4.11 sends no teardown. */
    @Test
    void a_task_that_moves_every_page_back_off_the_device_loses_its_context_without_a_teardown() {
        AcceleratorDriver d = bound(Map.of());
        arrive(d, A, 10, 0x9000);
        arrive(d, A, 11, 0x9001);
        assertThat(ctx.owned()).containsOnlyKeys(0x1000L);
        d.folioMigrate(at(0x9000, 2), at(20, 0));
        assertThat(ctx.stat("device_mappings")).isEqualTo(1);
        d.folioMigrate(at(0x9001, 2), at(21, 0));
        // the source folios are freed after the copy: not the task's pages any more
        d.freeFolio(new FreeEvent(at(0x9000, 2), FreePath.FOLIO_PUT));
        d.freeFolio(new FreeEvent(at(0x9001, 2), FreePath.FOLIO_PUT));
        assertThat(ctx.stat("device_mappings")).isZero();
        assertThat(ctx.stat("device_pages")).isZero();
        assertThat(ctx.stat("contexts_released")).isEqualTo(1);
        assertThat(ctx.owned()).isEmpty();
        assertThat(d.liveContexts()).isZero();
    }

    @Test
    void a_teardown_of_a_task_whose_state_maps_no_page_releases_it() {
        AcceleratorDriver d = bound(Map.of());
        // migrate_to accepted, but the copy never came (the target allocation failed)
        assertThat(d.migrateTo(new MigrationRequest(at(10, 0), 0, 2, MigrateReason.MR_MEMPOLICY_MBIND, A)))
                .isEqualTo(MigrateTo.ACCEPT);
        assertThat(ctx.stat("device_mappings")).isEqualTo(1);
        d.teardown(new TeardownEvent(A, 0, 4096, 1));
        assertThat(ctx.stat("device_mappings")).isZero();
        assertThat(ctx.owned()).isEmpty();
    }

    @Test
    void no_room_for_a_context_is_back_pressure_and_pins_are_refused() {
        AcceleratorDriver d = bound(Map.of());
        ctx.limitOwnAllocationsTo(0x1000);
        assertThat(d.migrateTo(new MigrationRequest(at(10, 0), 0, 2, MigrateReason.MR_SYSCALL, A)))
                .isEqualTo(MigrateTo.refuse(Errno.ENOSPC));
        assertThat(ctx.stat("device_mappings")).isZero();
        assertThat(d.longtermPin(null).allowed()).isFalse();
    }

    @Test
    void refuses_a_normal_node_and_a_bad_config() {
        AcceleratorDriver d = new AcceleratorDriver();
        assertThatThrownBy(() -> d.bind(new NodeBinding(2, 1 << 18, ZoneType.NORMAL, Map.of()), ctx))
                .hasMessageContaining("node 2 is onlined into ZONE_NORMAL").hasMessageContaining("ZONE_MOVABLE");
        assertThatThrownBy(() -> d.bind(new NodeBinding(2, 1 << 18, ZoneType.MOVABLE, Map.of("context_order", 11)), ctx))
                .hasMessage("accelerator: node 2: context_order: expected a page order from 0 to 10, got '11'");
        assertThatThrownBy(() -> d.bind(new NodeBinding(2, 1 << 18, ZoneType.MOVABLE, Map.of("order", 1)), ctx))
                .hasMessageContaining("unknown config key 'order'; expected one of [context_order]");
    }

    /** migrate_pages() asks migrate_to for a whole batch, then copies: each copy counts for its own task. */
    @Test
    void a_batch_of_two_tasks_folios_is_attributed_folio_by_folio() {
        AcceleratorDriver d = bound(Map.of());
        assertThat(d.migrateTo(new MigrationRequest(at(10, 0), 0, 2, MigrateReason.MR_SYSCALL, A)).accept()).isTrue();
        assertThat(d.migrateTo(new MigrationRequest(at(11, 0), 0, 2, MigrateReason.MR_SYSCALL, B)).accept()).isTrue();
        d.folioMigrate(at(10, 0), at(0x9000, 2)); // a's copy comes after b's migrate_to
        d.folioMigrate(at(11, 0), at(0x9001, 2));
        assertThat(ctx.stat("device_pages")).isEqualTo(2);
        // a's page leaves: a has none left and is released, b keeps its context and page
        d.folioMigrate(at(0x9000, 2), at(20, 0));
        assertThat(ctx.stat("device_mappings")).as("b still maps a page").isEqualTo(1);
        assertThat(ctx.stat("contexts_released")).isEqualTo(1);
        assertThat(ctx.stat("device_pages")).isEqualTo(1);
        d.freeFolio(new FreeEvent(at(0x9001, 2), FreePath.FOLIO_PUT));
        assertThat(ctx.stat("device_mappings")).isZero();
        assertThat(d.liveContexts()).isZero();
    }

    /** Compaction inside the device node moves a mapping: same owner, no page added or taken. */
    @Test
    void a_move_within_the_node_keeps_the_owner_and_the_count() {
        AcceleratorDriver d = bound(Map.of());
        arrive(d, A, 10, 0x9000);
        arrive(d, B, 11, 0x9001);
        d.folioMigrate(at(0x9000, 2), at(0x9100, 2)); // MR_COMPACTION within node 2
        assertThat(ctx.stat("device_pages")).isEqualTo(2);
        d.freeFolio(new FreeEvent(at(0x9100, 2), FreePath.FOLIO_PUT));
        assertThat(ctx.stat("device_mappings")).as("a's page freed at its new place: a released").isEqualTo(1);
        assertThat(ctx.stat("device_pages")).isEqualTo(1);
    }

    /** A copy onto the node that no migrate_to accepted (none asked) is nobody's: not counted. */
    @Test
    void an_arrival_without_an_acceptance_is_not_attributed() {
        AcceleratorDriver d = bound(Map.of());
        arrive(d, A, 10, 0x9000);
        d.folioMigrate(at(12, 0), at(0x9002, 2));
        assertThat(ctx.stat("device_pages")).isEqualTo(1);
    }
}
