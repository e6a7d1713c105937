package org.mmproto.samples.cram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.FreePath;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.DeviceLoad;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.TaskRef;

/** The device's timers (CONTRACT R1.10): the flush buffer drained at flush_interval_ms, hotness halved every hot_decay_ms. */
class CramTimersTest {
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

    private static void arrive(CompressedRamDriver d, long pfn) {
        d.deviceStore(new DeviceStore(folio(pfn), pfn, 1, DeviceStore.Kind.MIGRATION_COPY,
                DeviceStore.Content.TEXT, TaskRef.KERNEL));
    }

    private static void read(CompressedRamDriver d, long pfn, long pages) {
        d.deviceLoad(new DeviceLoad(folio(pfn), pfn, pages, TaskRef.KERNEL));
    }

    @Test
    void a_deferred_scrub_happens_at_the_flush_interval_and_the_folio_is_kept_until_then() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of("scrub", "deferred", "flush_interval_ms", 500));
        arrive(d, BASE);
        assertThat(ctx.stat("physical_used_bytes")).isEqualTo(1365);

        ctx.advance(100);
        assertThat(d.freeFolio(new FreeEvent(folio(BASE), FreePath.FOLIO_PUT))).isEqualTo(FreeAction.KEEP);
        assertThat(ctx.due(CompressedRamDriver.FLUSH_WORK)).isEqualTo(600);
        arrive(d, BASE + 1); // a store no longer drains the buffer: only the interval does
        ctx.advance(499);
        assertThat(ctx.released).isEmpty();
        assertThat(ctx.stat("flush_buffer_folios")).isEqualTo(1);
        assertThat(ctx.stat("physical_used_bytes")).as("stale data still held").isEqualTo(2 * 1365);

        ctx.advance(1);
        assertThat(ctx.released).as("scrubbed, then given back").containsExactly(BASE);
        assertThat(ctx.stat("flushed_folios")).isEqualTo(1);
        assertThat(ctx.stat("flush_buffer_folios")).isZero();
        assertThat(ctx.stat("physical_used_bytes")).isEqualTo(1365);
        assertThat(ctx.due(CompressedRamDriver.FLUSH_WORK)).as("nothing waits: no timer").isEqualTo(-1);

        arrive(d, BASE); // the folio handed out again arrives on a scrubbed page
        assertThat(ctx.stat("unscrubbed_reuse_pages")).isZero();
    }

    /** A demoted THP (order 9) freed under deferred scrub: the flush sanitizes all 512 pages, as the immediate scrub does. */
    @Test
    void the_flush_scrubs_every_page_of_a_large_folio() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of("scrub", "deferred", "flush_interval_ms", 500));
        FolioRef thp = new FolioRef(BASE, 9, 2, ZoneType.NORMAL, true, 0);
        d.deviceStore(new DeviceStore(thp, BASE, 512, DeviceStore.Kind.MIGRATION_COPY,
                DeviceStore.Content.TEXT, TaskRef.KERNEL));
        assertThat(ctx.stat("stored_pages")).isEqualTo(512);
        assertThat(d.freeFolio(new FreeEvent(thp, FreePath.FOLIOS_PUT))).isEqualTo(FreeAction.KEEP);

        ctx.advance(500);
        assertThat(ctx.released).containsExactly(BASE);
        assertThat(ctx.stat("flushed_folios")).isEqualTo(1);
        assertThat(ctx.stat("scrubs")).isEqualTo(1);
        assertThat(ctx.stat("stored_pages")).as("the whole folio's backing released").isZero();
        assertThat(ctx.stat("physical_used_bytes")).isZero();

        d.deviceStore(new DeviceStore(thp, BASE, 512, DeviceStore.Kind.MIGRATION_COPY,
                DeviceStore.Content.TEXT, TaskRef.KERNEL)); // handed out again: every page was scrubbed
        assertThat(ctx.stat("unscrubbed_reuse_pages")).isZero();
    }

    @Test
    void frees_within_one_interval_share_its_flush_and_a_full_buffer_scrubs_locally() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of("scrub", "deferred", "flush_buf_size", 2));
        for (long p = BASE; p < BASE + 3; p++) {
            arrive(d, p);
        }
        assertThat(d.freeFolio(new FreeEvent(folio(BASE), FreePath.FOLIO_PUT))).isEqualTo(FreeAction.KEEP);
        ctx.advance(400);
        assertThat(d.freeFolio(new FreeEvent(folio(BASE + 1), FreePath.FOLIO_PUT))).isEqualTo(FreeAction.KEEP);
        assertThat(d.freeFolio(new FreeEvent(folio(BASE + 2), FreePath.FOLIOS_PUT)))
                .as("buffer full: zeroed locally (return code 2)").isEqualTo(FreeAction.RETURN_TO_BUDDY);
        ctx.advance(599);
        assertThat(ctx.released).isEmpty();
        ctx.advance(1); // the default interval, 1000 ms after the first free
        assertThat(ctx.released).containsExactly(BASE, BASE + 1);
        assertThat(ctx.stat("scrubs")).isEqualTo(3);
    }

    @Test
    void a_page_reached_by_new_data_while_still_holding_a_freed_folio_s_data_is_counted() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of());
        arrive(d, BASE);
        arrive(d, BASE); // freed without the device being told (no free_folio), then reused
        assertThat(ctx.stat("unscrubbed_reuse_pages")).isEqualTo(1);
        d.freeFolio(new FreeEvent(folio(BASE), FreePath.FOLIO_PUT)); // immediate scrub
        arrive(d, BASE);
        assertThat(ctx.stat("unscrubbed_reuse_pages")).isEqualTo(1);
    }

    @Test
    void hotness_halves_every_decay_period_so_reads_spread_over_time_stop_counting() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of("hot_reads", 4, "hot_decay_ms", 1000));
        read(d, BASE, 3);
        assertThat(ctx.due(CompressedRamDriver.DECAY_WORK)).isEqualTo(1000);
        ctx.advance(1000); // 3 -> 1
        read(d, BASE, 2); // 3: not hot
        assertThat(ctx.promotions).isEmpty();
        ctx.advance(2000); // 3 -> 1 -> 0: forgotten, the timer stops
        assertThat(ctx.stat("hot_decays")).isEqualTo(3);
        assertThat(ctx.stat("hot_folios_tracked")).isZero();
        assertThat(ctx.due(CompressedRamDriver.DECAY_WORK)).isEqualTo(-1);

        read(d, BASE, 3);
        read(d, BASE, 1); // 4 within one period: hot
        assertThat(ctx.promotions).containsExactly(BASE);
    }

    @Test
    void without_decay_reads_accumulate_for_ever() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = bound(ctx, Map.of("hot_reads", 4, "hot_decay_ms", 0));
        read(d, BASE, 3);
        assertThat(ctx.due(CompressedRamDriver.DECAY_WORK)).isEqualTo(-1);
        ctx.advance(1_000_000);
        read(d, BASE, 1);
        assertThat(ctx.promotions).containsExactly(BASE);
    }

    @Test
    void the_timer_keys_are_validated_naming_the_key() {
        Map<String, Object> c = new HashMap<>(Map.of("scrub", "deferred", "flush_interval_ms", 0));
        assertThatThrownBy(() -> bound(new ClockContext(), c)).hasMessageContaining("flush_interval_ms")
                .hasMessageContaining("expected 1..");
        assertThatThrownBy(() -> bound(new ClockContext(), Map.of("flush_interval_ms", 100)))
                .hasMessageContaining("flush_interval_ms: needs scrub: deferred");
        assertThatThrownBy(() -> bound(new ClockContext(), Map.of("hot_decay_ms", "soon")))
                .hasMessageContaining("hot_decay_ms: expected an integer");
        assertThatThrownBy(() -> bound(new ClockContext(), Map.of("hot_decay_ms", -1)))
                .hasMessageContaining("hot_decay_ms");
    }
}
