package org.mmproto.core.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;

/** The promotion target's mask is alloc_misplaced_dst_folio's (mm/migrate.c, 6.12). */
class WriteFaultPromotionTest {
    @Test
    void the_target_is_this_node_only_without_reclaim() {
        for (int order : new int[] {0, 9}) {
            int gfp = WriteFaultPromotion.misplacedGfp(order);
            assertThat(gfp & Gfp.Bits.THISNODE).as("order %d: no fallback to another node", order).isNotZero();
            assertThat(gfp & Gfp.Bits.RECLAIM).as("order %d: no reclaim", order).isZero();
        }
        assertThat(WriteFaultPromotion.misplacedGfp(0) & (Gfp.Bits.NORETRY | Gfp.Bits.NOWARN | Gfp.Bits.NOMEMALLOC))
                .isEqualTo(Gfp.Bits.NORETRY | Gfp.Bits.NOWARN | Gfp.Bits.NOMEMALLOC);
        assertThat(WriteFaultPromotion.misplacedGfp(9) & Gfp.Bits.COMP).isNotZero();
    }
}
