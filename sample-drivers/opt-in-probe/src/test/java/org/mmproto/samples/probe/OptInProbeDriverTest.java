package org.mmproto.samples.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.Verdict;

/** The probe on its own, without a plugin manager (the packaged jar is loaded in framework-it). */
class OptInProbeDriverTest {
    private static OptInProbeDriver bound(Map<String, Object> config, NodeOptIns[] out) {
        OptInProbeDriver d = new OptInProbeDriver();
        out[0] = d.bind(new NodeBinding(2, 1L << 14, ZoneType.NORMAL, config), null);
        return d;
    }

    @Test
    void without_config_it_opts_into_nothing_and_every_hook_says_yes() {
        NodeOptIns[] o = new NodeOptIns[1];
        OptInProbeDriver d = bound(Map.of(), o);
        assertThat(o[0].flags()).isEmpty();
        assertThat(o[0].caps()).isEmpty();
        assertThat(d.allocVeto(null)).isEqualTo(Verdict.ALLOW);
        assertThat(d.migrateTo(null)).isEqualTo(MigrateTo.ACCEPT);
        assertThat(d.longtermPin(null)).isEqualTo(Verdict.ALLOW);
    }

    @Test
    void flags_caps_and_refusals_come_from_the_config() {
        NodeOptIns[] o = new NodeOptIns[1];
        OptInProbeDriver d = bound(Map.of("np_ops", "NP_OPS_MIGRATION|np_ops_mempolicy",
                "caps", List.of("NODE_PRIVATE_CAP_LTPIN"), "alloc_veto", "ENOMEM", "migrate_to", "enospc",
                "longterm_pin", "EPERM"), o);
        assertThat(o[0].flags()).containsExactlyInAnyOrder(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
        assertThat(o[0].caps()).containsExactly(NodeCap.NODE_PRIVATE_CAP_LTPIN);
        assertThat(d.allocVeto(null)).isInstanceOfSatisfying(Verdict.Deny.class,
                v -> assertThat(v.errno()).isEqualTo(Errno.ENOMEM));
        assertThat(d.migrateTo(null)).isEqualTo(MigrateTo.refuse(Errno.ENOSPC));
        assertThat(d.longtermPin(null)).isInstanceOfSatisfying(Verdict.Deny.class,
                v -> assertThat(v.errno()).isEqualTo(Errno.EPERM));
    }

    @Test
    void reclaim_policy_swap_lets_reclaim_swap_and_write_back_and_default_answers_nothing() {
        NodeOptIns[] o = new NodeOptIns[1];
        assertThat(bound(Map.of("reclaim_policy", "swap"), o).reclaimPolicy(2))
                .isEqualTo(new ReclaimPolicy(true, true, true, false));
        assertThat(bound(Map.of(), o).reclaimPolicy(2)).isEqualTo(ReclaimPolicy.DEFAULT);
        assertThatThrownBy(() -> bound(Map.of("reclaim_policy", "always"), o))
                .hasMessageContaining("node 2: reclaim_policy: expected default or swap, got 'always'");
    }

    @Test
    void none_and_the_accepting_words_are_no_opt_in_and_no_refusal() {
        NodeOptIns[] o = new NodeOptIns[1];
        OptInProbeDriver d = bound(Map.of("np_ops", "none", "caps", "", "migrate_to", "accept", "alloc_veto", "allow"), o);
        assertThat(o[0].flags()).isEmpty();
        assertThat(o[0].caps()).isEmpty();
        assertThat(d.migrateTo(null).accept()).isTrue();
        assertThat(d.allocVeto(null).allowed()).isTrue();
    }

    @Test
    void a_bad_config_is_refused_at_bind_naming_the_node_the_key_and_what_was_expected() {
        NodeOptIns[] o = new NodeOptIns[1];
        assertThatThrownBy(() -> bound(Map.of("np_op", "NP_OPS_MIGRATION"), o))
                .hasMessageContaining("node 2").hasMessageContaining("unknown config key 'np_op'")
                .hasMessageContaining("np_ops");
        assertThatThrownBy(() -> bound(Map.of("np_ops", "NP_OPS_MIGRATE"), o))
                .hasMessageContaining("np_ops: unknown name 'NP_OPS_MIGRATE'").hasMessageContaining("NP_OPS_MIGRATION");
        assertThatThrownBy(() -> bound(Map.of("caps", "USER_NUMA"), o))
                .hasMessageContaining("caps: unknown name 'USER_NUMA'").hasMessageContaining("NODE_PRIVATE_CAP_USER_NUMA");
        assertThatThrownBy(() -> bound(Map.of("migrate_to", "refuse"), o))
                .hasMessageContaining("migrate_to: 'refuse' is neither accept nor an errno name").hasMessageContaining("ENOSPC");
    }
}
