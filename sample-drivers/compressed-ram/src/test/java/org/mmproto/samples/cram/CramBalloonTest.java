package org.mmproto.samples.cram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/** The v5 balloon's convergence and the separate back-pressure bits, against a node whose buddy can run dry. */
class CramBalloonTest {
    private static final long BASE = 0x80000;

    private static CompressedRamDriver bound(ClockContext ctx, Map<String, Object> config) {
        CompressedRamDriver d = new CompressedRamDriver();
        ctx.driver = d;
        d.bind(new NodeBinding(2, ctx.pages, ZoneType.NORMAL, config), ctx);
        return d;
    }

    private static FolioRef folio(long pfn) {
        return new FolioRef(pfn, 0, 2, ZoneType.NORMAL, true, 0);
    }

    private static MigrateTo demote(CompressedRamDriver d, long pfn) {
        return d.migrateTo(new MigrationRequest(folio(pfn), 0, 2, MigrateReason.MR_DEMOTION, TaskRef.KERNEL));
    }

    private static void arrive(CompressedRamDriver d, long pfn, long pages, DeviceStore.Content c) {
        d.deviceStore(new DeviceStore(folio(pfn), pfn, pages, DeviceStore.Kind.MIGRATION_COPY, c, TaskRef.KERNEL));
    }

    private static Map<String, Object> v5(Object... kv) {
        Map<String, Object> m = new HashMap<>(Map.of("model", "v5", "advertised", "64MiB", "physical", "4MiB",
                "zratio", 2000)); // cram_ratio.sh's 2:1 (the default is 1000)
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void the_balloon_converges_to_its_target_in_trimmed_batches_of_512() {
        ClockContext ctx = new ClockContext();
        ctx.pages = 16384;
        ctx.ownable = 16384;
        CompressedRamDriver d = bound(ctx, v5("trim", "eagain", "trim_eagain", 2));
        // 64 MiB advertised, perceived 4 MiB x 2 = 2048 pages: 14336 ballooned
        assertThat(ctx.stat("balloon_target_pages")).isEqualTo(14336);
        assertThat(ctx.stat("balloon_pages")).isEqualTo(14336);
        assertThat(ctx.stat("trim_batches")).isEqualTo(28); // 14336 / 512
        assertThat(ctx.stat("trim_retries")).isEqualTo(56); // two -EAGAIN answers a batch, retried
        assertThat(ctx.stat("trim_zeroed_pages")).isZero();
        assertThat(ctx.stat("converge_block")).isZero();
        assertThat(demote(d, BASE)).isEqualTo(MigrateTo.ACCEPT);
    }

    @Test
    void a_balloon_the_node_cannot_fill_still_lets_demotions_in_while_backing_is_left() {
        ClockContext ctx = new ClockContext();
        ctx.pages = 16384;
        ctx.ownable = 8002; // the buddy runs dry (its watermark) before the target
        CompressedRamDriver d = bound(ctx, v5());
        assertThat(ctx.stat("balloon_pages")).isEqualTo(8002);
        assertThat(ctx.stat("balloon_target_pages")).isEqualTo(14336);
        assertThat(ctx.stat("converge_block")).as("registration is best effort: no block").isZero();
        for (long p = 0; p < 100; p++) {
            assertThat(demote(d, BASE + p)).as("demotion %d", p).isEqualTo(MigrateTo.ACCEPT);
            arrive(d, BASE + p, 1, DeviceStore.Content.TEXT);
        }
        assertThat(ctx.stat("demotions_accepted")).isEqualTo(100);
        assertThat(ctx.stat("demotions_refused")).isZero();
        assertThat(ctx.stat("poison_pages")).isZero();
    }

    @Test
    void a_ratio_drop_blocks_until_the_worker_ends_and_only_the_worker_clears_converge_block() {
        ClockContext ctx = new ClockContext();
        ctx.pages = 16384;
        ctx.ownable = 14336 + 100; // converges at bind, 100 pages of slack
        CompressedRamDriver d = bound(ctx, v5());
        assertThat(ctx.stat("balloon_pages")).isEqualTo(14336);
        // incompressible data: the achieved ratio falls to 1:1, the effective size to 1024 pages
        arrive(d, BASE, 512, DeviceStore.Content.INCOMPRESSIBLE);
        assertThat(ctx.stat("balloon_target_pages")).isEqualTo(16384 - 1024);
        assertThat(ctx.stat("balloon_pages")).as("took the 100 free pages at once").isEqualTo(14436);
        assertThat(ctx.stat("converge_block")).isEqualTo(1);
        assertThat(demote(d, BASE + 512)).isEqualTo(MigrateTo.refuse(Errno.EAGAIN));
        assertThat(d.pressure(2)).as("gfp-flag sees converge_block as the device publishes it").isEqualTo(1000);
        assertThat(ctx.due(CompressedRamDriver.CONVERGE_WORK)).isEqualTo(CompressedRamDriver.CONVERGE_RETRY_MS);

        ctx.ownable += 500; // pages freed on the node meanwhile: the next round takes them
        ctx.advance(CompressedRamDriver.CONVERGE_RETRY_MS);
        assertThat(ctx.stat("balloon_pages")).isEqualTo(14936);
        assertThat(ctx.stat("converge_block")).as("progress: the worker goes on").isEqualTo(1);
        ctx.advance(CompressedRamDriver.CONVERGE_RETRY_MS * CompressedRamDriver.CONVERGE_STALL);
        assertThat(ctx.stat("converge_rounds")).isEqualTo(1 + CompressedRamDriver.CONVERGE_STALL);
        assertThat(ctx.stat("converge_block")).as("the node can free no more: the worker ends").isZero();
        assertThat(ctx.due(CompressedRamDriver.CONVERGE_WORK)).isEqualTo(-1);
        // the gate still protects the device: 2 MiB of backing is left, a page fits
        assertThat(d.pressure(2)).as("nothing withdrawn: gfp-flag demotes again").isZero();
        assertThat(demote(d, BASE + 512)).isEqualTo(MigrateTo.ACCEPT);
        // the backing filled incompressible: the sticky gate closes, and gfp-flag sees it closed
        arrive(d, BASE + 1024, 512, DeviceStore.Content.INCOMPRESSIBLE);
        assertThat(ctx.stat("admission_gate_closed")).isEqualTo(1);
        assertThat(ctx.stat("zone_withdrawn")).isEqualTo(1);
        assertThat(d.pressure(2)).as("gfp-flag sees the closed gate").isEqualTo(1000);
    }

    @Test
    void the_chicken_bit_and_migration_blocked_are_reported_apart() {
        ClockContext ctx = new ClockContext();
        ctx.pages = 16384;
        ctx.ownable = 16384;
        CompressedRamDriver d = bound(ctx, v5("chicken_bit", true));
        assertThat(ctx.stat("chicken_bit")).isEqualTo(1);
        assertThat(ctx.stat("migration_blocked")).as("the operator's switch is not v5's bit").isZero();
        assertThat(demote(d, BASE)).isEqualTo(MigrateTo.refuse(Errno.ENOSPC));

        ClockContext ctx2 = new ClockContext();
        ctx2.pages = 16384;
        ctx2.ownable = 16384;
        CompressedRamDriver d2 = bound(ctx2, v5("migration_blocked", true));
        assertThat(ctx2.stat("migration_blocked")).isEqualTo(1);
        assertThat(ctx2.stat("chicken_bit")).isZero();
        assertThat(demote(d2, BASE)).isEqualTo(MigrateTo.refuse(Errno.ENOSPC));
        assertThat(d2.pressure(2)).as("gfp-flag's migration_blocked reads it").isEqualTo(1000);
    }

    @Test
    void the_operator_flips_the_chicken_bit_through_the_device_attribute() {
        ClockContext ctx = new ClockContext();
        ctx.pages = 16384;
        ctx.ownable = 16384;
        CompressedRamDriver d = bound(ctx, v5());
        assertThat(demote(d, BASE)).isEqualTo(MigrateTo.ACCEPT);
        assertThat(d.deviceControl(new ControlRequest(2, "chicken_bit", "1", TaskRef.KERNEL)).allowed()).isTrue();
        assertThat(ctx.stat("chicken_bit")).isEqualTo(1);
        assertThat(ctx.stat("chicken_bit_flips")).isEqualTo(1);
        assertThat(ctx.stat("migration_blocked")).isZero();
        assertThat(demote(d, BASE)).isEqualTo(MigrateTo.refuse(Errno.ENOSPC));
        assertThat(d.pressure(2)).isEqualTo(1000);
        assertThat(d.deviceControl(new ControlRequest(2, "chicken_bit", "2", TaskRef.KERNEL)))
                .isInstanceOf(Verdict.Deny.class).extracting(v -> ((Verdict.Deny) v).errno()).isEqualTo(Errno.EINVAL);
        assertThat(d.deviceControl(new ControlRequest(2, "zratio", "1", TaskRef.KERNEL)))
                .isInstanceOf(Verdict.Deny.class).extracting(v -> ((Verdict.Deny) v).errno()).isEqualTo(Errno.EINVAL);
        assertThat(d.deviceControl(new ControlRequest(2, "chicken_bit", "0", TaskRef.KERNEL)).allowed()).isTrue();
        assertThat(demote(d, BASE)).isEqualTo(MigrateTo.ACCEPT);
    }

    @Test
    void v5_publishes_its_zone_withdrawal_for_a_design_without_callbacks() {
        ClockContext ctx = new ClockContext();
        ctx.pages = 16384;
        ctx.ownable = 16384;
        CompressedRamDriver d = bound(ctx, v5());
        assertThat(ctx.withdrawn).as("nothing to withdraw at bind: never published").isNull();
        // 4 MiB of backing filled incompressible with no arrival asked (zonelist-private asks none)
        arrive(d, BASE, 1024, DeviceStore.Content.INCOMPRESSIBLE);
        assertThat(ctx.stat("admission_gate_closed")).isEqualTo(1);
        assertThat(ctx.withdrawn).isTrue();
        assertThat(ctx.stat("zone_withdrawn")).isEqualTo(1);
        ctx.advance(1000); // the convergence worker ends; the gate alone keeps the zone withdrawn
        assertThat(ctx.stat("converge_block")).isZero();
        assertThat(ctx.withdrawn).isTrue();
        d.freeFolio(new org.mmproto.api.driver.Requests.FreeEvent(folio(BASE), org.mmproto.api.FreePath.FOLIO_PUT));
        // one page scrubbed: not an eighth of the backing, the gate is sticky
        assertThat(ctx.withdrawn).isTrue();
        for (long p = 1; p < 200; p++) {
            d.freeFolio(new org.mmproto.api.driver.Requests.FreeEvent(folio(BASE + p), org.mmproto.api.FreePath.FOLIO_PUT));
        }
        assertThat(ctx.stat("admission_gate_closed")).isZero();
        assertThat(ctx.withdrawn).isFalse();
        assertThat(d.deviceControl(new ControlRequest(2, "chicken_bit", "1", TaskRef.KERNEL)).allowed()).isTrue();
        assertThat(ctx.withdrawn).as("the operator's off switch withdraws the zone too").isTrue();
    }

    @Test
    void the_v4_model_publishes_no_withdrawal() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of("physical", "4MiB", "chicken_bit", true));
        arrive(d, BASE, 2048, DeviceStore.Content.INCOMPRESSIBLE);
        assertThat(ctx.withdrawals).isZero();
    }
}
