package org.mmproto.samples.cram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.DeviceStore.Content;

class CramLogicTest {
    private static CompressedDevice device(long physicalBytes) {
        return new CompressedDevice(physicalBytes, new ContentModel(1, ContentModel.Mix.DEFAULT, 1365));
    }

    @Test
    void the_content_model_is_seeded_and_follows_its_mix() {
        ContentModel m = new ContentModel(7, new ContentModel.Mix(0.25, 0.5, 0.25), 1365);
        int[] n = new int[3];
        for (long pfn = 0; pfn < 100_000; pfn++) {
            n[m.draw(pfn, 1).ordinal()]++;
        }
        assertThat(n[Content.ZERO.ordinal()]).isBetween(24_000, 26_000);
        assertThat(n[Content.TEXT.ordinal()]).isBetween(49_000, 51_000);
        assertThat(n[Content.INCOMPRESSIBLE.ordinal()]).isBetween(24_000, 26_000);
        assertThat(new ContentModel(7, ContentModel.Mix.DEFAULT, 1365).draw(42, 3))
                .isEqualTo(new ContentModel(7, ContentModel.Mix.DEFAULT, 1365).draw(42, 3));
        assertThat(m.compressedBytes(Content.ZERO)).isZero();
        assertThat(m.compressedBytes(Content.TEXT)).isEqualTo(1365);
        assertThat(m.compressedBytes(Content.INCOMPRESSIBLE)).isEqualTo(4096);
    }

    @Test
    void physical_usage_is_the_sum_of_compressed_sizes_and_a_rewrite_replaces_it() {
        CompressedDevice d = device(16 * 4096);
        d.store(100, 4, Content.TEXT);
        assertThat(d.usedBytes()).isEqualTo(4 * 1365);
        d.store(100, 2, Content.INCOMPRESSIBLE);
        assertThat(d.usedBytes()).isEqualTo(2 * 1365 + 2 * 4096);
        d.store(100, 4, Content.ZERO);
        assertThat(d.usedBytes()).isZero();
        assertThat(d.logicalPages()).isZero();
        assertThat(d.stores()).isEqualTo(10);
    }

    @Test
    void data_arriving_with_no_backing_left_is_poison_and_a_scrub_frees_backing() {
        CompressedDevice d = device(4 * 4096);
        d.store(0, 4, Content.INCOMPRESSIBLE);
        assertThat(d.poisonPages()).isZero();
        d.store(4, 3, Content.TEXT); // 3 pages more: no byte left
        assertThat(d.poisonPages()).isEqualTo(3);
        assertThat(d.usedBytes()).isEqualTo(4 * 4096);
        d.release(0, 1);
        d.store(4, 3, Content.TEXT); // 4096 bytes free: two text pages fit (2730), the third (4095) too
        assertThat(d.poisonPages()).isEqualTo(3);
        assertThat(d.usedBytes()).isEqualTo(3 * 4096 + 3 * 1365);
    }

    @Test
    void v4_pressure_rises_through_the_thresholds_and_blocks_demotion_at_max() {
        CapacityModel.V4Pressure v4 = new CapacityModel.V4Pressure(500, 750);
        CompressedDevice d = device(100 * 4096);
        d.store(0, 50, Content.INCOMPRESSIBLE); // 500 per-mille
        assertThat(v4.pressure(d)).isZero();
        assertThat(v4.admit(d, 1)).isNull();
        d.store(50, 15, Content.INCOMPRESSIBLE); // 650 per-mille: (650-500)*1000/250
        assertThat(v4.pressure(d)).isEqualTo(600);
        d.store(65, 10, Content.INCOMPRESSIBLE); // 750
        assertThat(v4.pressure(d)).isEqualTo(1000);
        assertThat(v4.admit(d, 1)).isEqualTo(Errno.ENOSPC); // blocked though 25 pages of backing are free
    }

    @Test
    void v4_refuses_a_folio_that_would_not_fit_incompressible() {
        CapacityModel.V4Pressure v4 = new CapacityModel.V4Pressure(990, 1000);
        CompressedDevice d = device(600 * 4096);
        d.store(0, 88, Content.INCOMPRESSIBLE); // 512 pages of backing left: a THP fits even incompressible
        assertThat(v4.admit(d, 512)).isNull();
        d.store(88, 1, Content.INCOMPRESSIBLE);
        assertThat(v4.admit(d, 512)).isEqualTo(Errno.ENOSPC); // 511 left, pressure still 0
    }

    @Test
    void v5_balloon_tracks_the_backing_at_the_achieved_ratio_and_the_gate_is_sticky() {
        CapacityModel.V5Balloon v5 = new CapacityModel.V5Balloon(2000, 1000);
        CompressedDevice d = device(400 * 4096);
        assertThat(v5.perceivedPages(d)).isEqualTo(800);
        assertThat(v5.balloonTarget(d)).isEqualTo(200); // 1000 struct pages, 800 usable at 2:1
        d.store(0, 100, Content.INCOMPRESSIBLE); // achieved 1:1
        assertThat(v5.usablePages(d)).isEqualTo(400);
        assertThat(v5.balloonTarget(d)).isEqualTo(600);
        d.store(100, 300, Content.INCOMPRESSIBLE); // full
        assertThat(v5.admit(d, 1)).isEqualTo(Errno.ENOSPC);
        d.release(0, 10);
        assertThat(v5.admit(d, 1)).as("sticky: 10 pages are not an eighth of the backing").isEqualTo(Errno.ENOSPC);
        d.release(10, 40);
        assertThat(v5.admit(d, 1)).isNull();
        v5.converging(true);
        assertThat(v5.admit(d, 1)).isEqualTo(Errno.EAGAIN); // converge_block
    }

    @Test
    void v5_effective_size_is_the_perceived_one_at_most_a_better_ratio_does_not_grow_the_node() {
        CapacityModel.V5Balloon v5 = new CapacityModel.V5Balloon(2000, 1000);
        CompressedDevice d = device(400 * 4096);
        d.store(0, 100, Content.TEXT); // achieved 3:1, above zratio
        assertThat(v5.achievedRatio(d)).isEqualTo(3000);
        // perceived x min(1, achieved / zratio): the 800 perceived pages, not 1200 at 3:1
        assertThat(v5.usablePages(d)).isEqualTo(800);
        assertThat(v5.balloonTarget(d)).isEqualTo(200);
    }

    @Test
    void v5_migration_blocked_refuses_apart_from_the_gate_and_converge_block() {
        CapacityModel.V5Balloon v5 = new CapacityModel.V5Balloon(2000, 1000);
        CompressedDevice d = device(400 * 4096);
        v5.blockMigration(true);
        assertThat(v5.admit(d, 1)).isEqualTo(Errno.ENOSPC);
        assertThat(v5.gateClosed()).as("the gate is open: backing is free").isFalse();
        v5.blockMigration(false);
        assertThat(v5.admit(d, 1)).isNull();
    }

    @Test
    void a_key_of_the_other_capacity_model_is_an_error_naming_it() {
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v5", "low_threshold", 700)))
                .hasMessageContaining("node 2").hasMessageContaining("low_threshold: belongs to the v4 capacity model")
                .hasMessageContaining("this node's model is v5");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v5", "high_threshold", 900)))
                .hasMessageContaining("high_threshold: belongs to the v4").hasMessageContaining("model is v5");
        for (String key : java.util.List.of("zratio", "trim", "trim_eagain", "migration_blocked")) {
            Object value = switch (key) {
                case "zratio" -> 3000;
                case "trim" -> "eagain";
                case "trim_eagain" -> 3;
                default -> true;
            };
            assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v4", key, value)))
                    .as(key).hasMessageContaining(key + ": belongs to the v5 capacity model")
                    .hasMessageContaining("this node's model is v4");
            assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of(key, value)))
                    .as(key + " with the default model").hasMessageContaining("model is v4");
        }
        assertThat(CramConfig.parse(2, 1024, Map.of("model", "v5", "zratio", 3000)).zratio()).isEqualTo(3000);
        assertThat(CramConfig.parse(2, 1024, Map.of("low_threshold", 700)).lowThreshold()).isEqualTo(700);
    }

    @Test
    void trim_retries_eagain_at_most_eight_times_then_zeroes() {
        assertThat(new TrimDevice(TrimDevice.Mode.SUCCEED, 0).trimBatch()).isEqualTo(new TrimDevice.Outcome(true, 0));
        assertThat(new TrimDevice(TrimDevice.Mode.EAGAIN, 3).trimBatch()).isEqualTo(new TrimDevice.Outcome(true, 3));
        assertThat(new TrimDevice(TrimDevice.Mode.EAGAIN, 8).trimBatch()).isEqualTo(new TrimDevice.Outcome(true, 8));
        assertThat(new TrimDevice(TrimDevice.Mode.EAGAIN, 9).trimBatch()).isEqualTo(new TrimDevice.Outcome(false, 8));
        assertThat(new TrimDevice(TrimDevice.Mode.EBUSY, 0).trimBatch()).isEqualTo(new TrimDevice.Outcome(false, 0));
    }

    @Test
    void a_key_that_depends_on_another_is_an_error_without_it() {
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v5", "trim", "succeed", "trim_eagain", 3)))
                .hasMessageContaining("node 2").hasMessageContaining("trim_eagain: needs trim: eagain");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v5", "trim_eagain", 3)))
                .as("the default trim is succeed").hasMessageContaining("trim_eagain: needs trim: eagain");
        assertThat(CramConfig.parse(2, 1024, Map.of("model", "v5", "trim", "eagain", "trim_eagain", 3)).trimEagain())
                .isEqualTo(3);
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("scrub", "immediate", "flush_buf_size", 8)))
                .hasMessageContaining("flush_buf_size: needs scrub: deferred");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("flush_buf_size", 8)))
                .as("the default scrub is immediate").hasMessageContaining("flush_buf_size: needs scrub: deferred");
        assertThat(CramConfig.parse(2, 1024, Map.of("scrub", "deferred", "flush_buf_size", 8)).flushBufSize())
                .isEqualTo(8);
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("hot_reads", 0, "hot_decay_ms", 500)))
                .hasMessageContaining("hot_decay_ms: needs hot_reads above 0");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("hot_decay_ms", 500)))
                .as("hot_reads is 0 unless configured").hasMessageContaining("hot_decay_ms: needs hot_reads");
        assertThat(CramConfig.parse(2, 1024, Map.of("hot_reads", 4, "hot_decay_ms", 500)).hotDecayMs()).isEqualTo(500);
    }

    @Test
    void zratio_defaults_to_1000_as_cram_zratio_does() {
        // rfc-selftests: drivers/dax/kmem.c's cram_zratio is per-mille N:1, at least 1000, default 1000
        assertThat(CramConfig.parse(2, 1024, Map.of("model", "v5")).zratio()).isEqualTo(1000);
    }

    @Test
    void config_errors_name_the_key() {
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("physcal", "1MiB")))
                .hasMessageContaining("node 2").hasMessageContaining("unknown config key 'physcal'");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("physical", "8MiB")))
                .hasMessageContaining("physical: must be between 4KiB and the advertised size");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v6")))
                .hasMessageContaining("model: expected one of [v4, v5]");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("low_threshold", 900, "high_threshold", 800)))
                .hasMessageContaining("low_threshold: must be below high_threshold");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("content", Map.of("zero", 0.5, "text", 0.4))))
                .hasMessageContaining("content: the fractions must add up to 1");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("model", "v5", "zratio", 999)))
                .hasMessageContaining("zratio: expected 1000..100000");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("hot_reads", -1)))
                .hasMessageContaining("hot_reads: expected 0..");
        assertThatThrownBy(() -> CramConfig.parse(2, 1024, Map.of("hot_reads", "often")))
                .hasMessageContaining("hot_reads: expected an integer");
        assertThat(CramConfig.parse(2, 1024, Map.of()).hotReads()).isZero(); // off unless configured
        assertThat(CramConfig.parse(2, 1024, Map.of("hot_reads", 4)).hotReads()).isEqualTo(4);
        CramConfig c = CramConfig.parse(2, 1024, Map.of("physical", "1MiB", "model", "v5"));
        assertThat(c.physicalPages()).isEqualTo(256);
        assertThat(c.advertisedPages()).isEqualTo(1024);
        assertThat(c.model()).isEqualTo(CramConfig.Model.V5);
    }
}
