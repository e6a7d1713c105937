package org.mmproto.samples.cxl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.TaskRef;
import org.junit.jupiter.api.Test;

/** The driver on its own, without a plugin manager (the packaged jar is tested in framework-it). */
class CxlMempolicyDriverTest {
    private static NodeBinding node(Map<String, Object> config) {
        return new NodeBinding(2, 1L << 18, ZoneType.MOVABLE, config);
    }

    private static NodeBinding node(ZoneType zone, Map<String, Object> config) {
        return new NodeBinding(2, 1L << 18, zone, config);
    }

    @Test
    void opts_into_migration_and_mempolicy_and_overrides_the_two_callbacks_migration_needs() throws Exception {
        CxlMempolicyDriver d = new CxlMempolicyDriver();
        NodeOptIns o = d.bind(node(Map.of()), null);
        assertThat(o.flags()).containsExactlyInAnyOrder(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        assertThat(CxlMempolicyDriver.class.getMethod("migrateTo", MigrationRequest.class).getDeclaringClass())
                .isEqualTo(CxlMempolicyDriver.class);
        assertThat(CxlMempolicyDriver.class.getMethod("folioMigrate", FolioRef.class, FolioRef.class).getDeclaringClass())
                .isEqualTo(CxlMempolicyDriver.class);
        assertThat(NpOps.violations(o.flags(), EnumSet.of(Hook.MIGRATE_TO, Hook.FOLIO_MIGRATE))).isEmpty();
        assertThat(o.oomEligible()).isFalse();
    }

    @Test
    void works_in_the_machines_zone_and_refuses_a_node_in_another_zone_than_the_config_asks() {
        CxlMempolicyDriver d = new CxlMempolicyDriver();
        assertThat(d.bind(node(ZoneType.NORMAL, Map.of()), null).flags()).isNotEmpty();
        assertThat(d.bind(node(ZoneType.MOVABLE, Map.of("zone", "movable")), null).flags()).isNotEmpty();
        assertThat(d.bind(node(ZoneType.NORMAL, Map.of("zone", "Normal")), null).flags()).isNotEmpty();
        assertThatThrownBy(() -> d.bind(node(ZoneType.MOVABLE, Map.of("zone", "normal")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 2 is onlined into ZONE_MOVABLE")
                .hasMessageContaining("ZONE_NORMAL");
        assertThatThrownBy(() -> d.bind(node(Map.of("zone", "dma32")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 2").hasMessageContaining("dma32");
    }

    @Test
    void accepts_every_migration_and_counts_folio_migrate() {
        CxlMempolicyDriver d = new CxlMempolicyDriver();
        FolioRef src = new FolioRef(100, 0, 0, ZoneType.NORMAL, true, 1);
        FolioRef dst = new FolioRef(9000, 9, 2, ZoneType.NORMAL, true, 1);
        assertThat(d.migrateTo(new MigrationRequest(src, 0, 2, MigrateReason.MR_MEMPOLICY_MBIND, TaskRef.KERNEL)))
                .isEqualTo(MigrateTo.ACCEPT);
        d.folioMigrate(src, dst);
        assertThat(d.migratedFolios()).isEqualTo(1);
        assertThat(d.migratedPages()).isEqualTo(512);
    }
}
