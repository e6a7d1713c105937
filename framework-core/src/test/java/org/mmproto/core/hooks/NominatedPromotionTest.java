package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.hooks.designs.ZonelistPrivate;
import org.mmproto.core.stats.VmStat;

/**
 * R1.7: a device's nominated hot pages (requestPromotion) are promoted on the next tick to the
 * nearest top-tier node, through Site.PROMOTION and NUMA balancing's candidate accounting; a
 * nomination whose folio is gone is stale, and a full ring drops (and counts) its oldest.
 */
class NominatedPromotionTest {
    private static final int P = PrivateWorld.P;

    private static PrivateWorld world(Design design, NodeCap... caps) {
        RecordingDriver drv = RecordingDriver.with();
        drv.caps = EnumSet.of(NodeCap.NODE_PRIVATE_CAP_USER_NUMA, caps);
        return new PrivateWorld(drv, design, Duration.ZERO);
    }

    private static PromotionRing ring(PrivateWorld w) {
        return w.k.driverContext(P).orElseThrow().promotionRing();
    }

    @Test
    void a_nominated_folio_moves_to_the_nearest_top_tier_node_on_the_next_tick() {
        PrivateWorld w = world(new Unpatched(), NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING);
        long a = w.userPageOnPrivateNode();
        long pfn = w.k.mmOps().folioAt(w.task, a);
        w.k.driverContext(P).orElseThrow().requestPromotion(pfn);
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(P); // nothing before a tick

        w.k.tiering().tick(1000);

        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isZero();
        assertThat(w.k.mem().vmstat(VmStat.NUMA_PAGES_MIGRATED)).isEqualTo(1);
        assertThat(ring(w).requested()).isEqualTo(1);
        assertThat(ring(w).queued()).isZero();
        assertThat(ring(w).stale()).isZero();
    }

    @Test
    void the_design_decides_at_the_promotion_site() {
        PrivateWorld w = world(new ZonelistPrivate()); // no NODE_PRIVATE_CAP_NUMA_BALANCING
        long a = w.userPageOnPrivateNode();
        w.k.driverContext(P).orElseThrow().requestPromotion(w.k.mmOps().folioAt(w.task, a));
        long before = w.k.dispatcher().stats().consulted(Site.PROMOTION);

        w.k.tiering().tick(1000);

        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isEqualTo(P);
        assertThat(w.k.dispatcher().stats().consulted(Site.PROMOTION)).isEqualTo(before + 1);
        assertThat(w.k.mem().vmstat(VmStat.NUMA_PAGES_MIGRATED)).isZero();
    }

    @Test
    void a_nomination_of_a_freed_folio_is_stale() {
        PrivateWorld w = world(new Unpatched(), NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING);
        long a = w.userPageOnPrivateNode();
        w.k.driverContext(P).orElseThrow().requestPromotion(w.k.mmOps().folioAt(w.task, a));
        w.k.mmOps().munmap(w.task, a, 4096);

        w.k.tiering().tick(1000);

        assertThat(ring(w).stale()).isEqualTo(1);
        assertThat(w.k.mem().vmstat(VmStat.NUMA_PAGES_MIGRATED)).isZero();
    }

    @Test
    void a_full_ring_drops_its_oldest_nomination_and_counts_it() {
        PrivateWorld w = world(new Unpatched(), NodeCap.NODE_PRIVATE_CAP_NUMA_BALANCING);
        long a = w.userPageOnPrivateNode();
        long pfn = w.k.mmOps().folioAt(w.task, a);
        for (int i = 0; i < PromotionRing.CAPACITY + 3; i++) {
            w.k.driverContext(P).orElseThrow().requestPromotion(pfn);
        }
        assertThat(ring(w).queued()).isEqualTo(PromotionRing.CAPACITY);
        assertThat(ring(w).dropped()).isEqualTo(3);

        w.k.tiering().tick(1000);

        // the first moves it; the other 1023 name a pfn that is no folio of the node any more
        assertThat(w.k.memmap().nid(w.k.mmOps().folioAt(w.task, a))).isZero();
        assertThat(ring(w).stale()).isEqualTo(PromotionRing.CAPACITY - 1);
    }
}
