package org.mmproto.api.design;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;

/** CONTRACT R4.14: the merge of the contexts decided for each private node a policy names. */
class AllocContextTest {
    private static final Gfp MOVABLE = Gfp.GFP_HIGHUSER_MOVABLE;

    @Test
    void gfp_bits_unite_private_wins_the_first_fixed_start_node_wins_and_any_scope_opens_one() {
        AllocContext low = AllocContext.mainline(MOVABLE).withGfp(MOVABLE.or(Gfp.__GFP_THISNODE));
        AllocContext high = AllocContext.mainline(MOVABLE).select(ZonelistKind.PRIVATE).startingAt(3).scoped();
        AllocContext m = low.merge(high);
        assertThat(m.gfp().bits()).isEqualTo(MOVABLE.or(Gfp.__GFP_THISNODE).bits());
        assertThat(m.zonelist()).isEqualTo(ZonelistKind.PRIVATE);
        assertThat(m.startNid()).as("the lower nid leaves the start to the caller").isEqualTo(3);
        assertThat(m.taskScope()).isTrue();
        assertThat(low.startingAt(2).merge(high).startNid()).as("the lower nid's fixed start wins").isEqualTo(2);
    }

    @Test
    void two_mainline_contexts_merge_to_mainline() {
        AllocContext a = AllocContext.mainline(MOVABLE);
        assertThat(a.merge(AllocContext.mainline(MOVABLE))).isEqualTo(a);
    }
}
