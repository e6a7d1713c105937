package org.mmproto.core.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.mmproto.api.design.Design;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.task.MmOps;
import org.junit.jupiter.api.Test;

class MemoryTiersTest {
    private static final Design MAINLINE = new Unpatched();

    private static final String FOUR_NODES = """
            nodes:
              - {size: 1GiB, cpus: 0}
              - {size: 1GiB, cpus: 1}
              - {size: 1GiB}
              - {size: 1GiB, adistance: 5000}
            distances:
              - [10, 20, 30, 40]
              - [20, 10, 30, 30]
              - [30, 30, 10, 20]
              - [40, 30, 20, 10]
            vm: {demotion_enabled: true}
            """;

    @Test
    void tiers_come_from_abstract_distance_chunks_and_targets_from_the_next_lower_tier() {
        Kernel k = Kernel.boot(MachineFiles.parse(FOUR_NODES, "four.yaml"), MAINLINE);
        MemoryTiers t = k.tiering().tiers();
        assertThat(MemoryTiers.MEMTIER_ADISTANCE_DRAM).isEqualTo(576);
        assertThat(t.adistance(0)).isEqualTo(576);
        assertThat(t.adistance(2)).isEqualTo(2880);
        assertThat(t.tierOf(0)).isEqualTo(4);
        assertThat(t.tierOf(2)).isEqualTo(22);
        assertThat(t.tierOf(3)).isEqualTo(39); // 5000 >> 7
        // node 0 and 1 demote to node 2 (tier 22, nearest); node 2 to node 3; node 3 is last
        assertThat(t.preferred(0).toArray()).containsExactly(2);
        assertThat(t.allowed(0).toArray()).containsExactly(2, 3);
        assertThat(t.preferred(2).toArray()).containsExactly(3);
        assertThat(t.preferred(3).isEmpty()).isTrue();
        assertThat(t.isTopTier(1)).isTrue();
        assertThat(t.isTopTier(2)).isFalse();
        assertThat(k.tiering().text()).contains("memory_tier4/nodelist: 0-1\n", "memory_tier22/nodelist: 2\n",
                "memory_tier39/nodelist: 3\n", "Demotion targets for Node 0: preferred: 2, fallback: 2-3\n",
                "Demotion targets for Node 3: null\n", "toptier nodes: 0-1\n");
    }

    @Test
    void nodes_of_the_lower_tier_at_the_same_distance_are_all_preferred_and_used_in_turn() {
        Kernel k = Kernel.boot(MachineFiles.parse("""
                nodes:
                  - {size: 1GiB, cpus: 0}
                  - {size: 1GiB}
                  - {size: 1GiB}
                distances:
                  - [10, 30, 30]
                  - [30, 10, 20]
                  - [30, 20, 10]
                """, "two-cxl.yaml"), MAINLINE);
        MemoryTiers t = k.tiering().tiers();
        assertThat(t.preferred(0).toArray()).containsExactly(1, 2);
        assertThat(new int[] {t.nextDemotionNode(0), t.nextDemotionNode(0), t.nextDemotionNode(0)})
                .containsExactly(1, 2, 1);
    }

    @Test
    void a_bad_adistance_is_a_file_and_line_error() {
        assertThatThrownBy(() -> MachineFiles.parse("""
                nodes:
                  - {size: 1GiB, cpus: 0}
                  - {size: 1GiB, adistance: 0}
                """, "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yaml:3");
        assertThatThrownBy(() -> MachineFiles.parse("""
                nodes:
                  - {size: 1GiB, cpus: 0}
                vm:
                  numa_balancing: 4
                """, "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.yaml:4");
    }

    @Test
    void demote_step_path_moves_exact_pages_and_counts_them_on_the_source_node() {
        Kernel k = Kernel.boot(MachineFiles.parse(FOUR_NODES, "four.yaml"), MAINLINE);
        var t = k.spawn("a", 1, 0, 0, java.util.Set.of());
        long addr = k.mmOps().mmap(t, 0, 1 << 20, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "a");
        for (long a = addr; a < addr + (1 << 20); a += 4096) {
            assertThat(k.faults().handle(t, a, true)).isZero();
        }
        assertThat(k.tiering().demote(0, 100)).isEqualTo(100);
        assertThat(k.mem().node(0).vmstat(VmStat.PGDEMOTE_PROACTIVE)).isEqualTo(100);
        assertThat(k.mem().node(2).vmstat(VmStat.PGDEMOTE_PROACTIVE)).isZero();
        assertThat(k.mem().vmstat(VmStat.PGMIGRATE_SUCCESS)).isEqualTo(100);
        // NUMA balancing in tiering mode: one scan marks the 100 slow-tier pages, not the 156 on node 0
        k.tiering().settings().setNumaBalancing(2);
        assertThat(k.tiering().tick(1000)).isEqualTo(100);
        for (long a = addr; a < addr + (1 << 20); a += 4096) {
            assertThat(k.faults().handle(t, a, false)).isZero();
        }
        assertThat(k.mem().vmstat(VmStat.NUMA_HINT_FAULTS)).isEqualTo(100);
        assertThat(k.mem().node(0).vmstat(VmStat.PGPROMOTE_SUCCESS)).isEqualTo(100);
        // a 1 GiB node never has high + max(1 GiB, present/16) free: every page is a rate-limited
        // candidate (latency 0 ms < 1000 ms), none is promoted without the limit
        assertThat(k.mem().node(0).vmstat(VmStat.PGPROMOTE_CANDIDATE)).isEqualTo(100);
        assertThat(k.mem().vmstat(VmStat.PGPROMOTE_CANDIDATE_NRL)).isZero();
        assertThat(k.mem().vmstat(VmStat.NUMA_PAGES_MIGRATED)).isEqualTo(100);
    }
}
