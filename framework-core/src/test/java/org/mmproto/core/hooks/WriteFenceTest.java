package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.designs.ZonelistPrivate;
import org.mmproto.core.mm.Memmap;

/**
 * v5's write fence under zonelist-private: a folio on a node with NODE_PRIVATE_CAP_WRITE_FENCE is
 * mapped read-only, and a write copies it to a new folio placed by the task's policy (the reuse
 * check refusing it, as for KSM) instead of writing the device's memory in place. Without the
 * capability the same write lands in place.
 */
class WriteFenceTest {
    private static final int P = PrivateWorld.P;

    private static PrivateWorld world(NodeCap... caps) {
        RecordingDriver drv = RecordingDriver.with();
        drv.caps = caps.length == 0 ? EnumSet.noneOf(NodeCap.class) : EnumSet.of(caps[0], caps);
        return new PrivateWorld(drv, new ZonelistPrivate(), Duration.ZERO);
    }

    @Test
    void a_write_to_a_fenced_folio_copies_it_to_the_task_node_and_frees_the_original() {
        PrivateWorld w = world(NodeCap.NODE_PRIVATE_CAP_USER_NUMA, NodeCap.NODE_PRIVATE_CAP_WRITE_FENCE);
        long a = w.userPageOnPrivateNode();
        long old = w.k.mmOps().folioAt(w.task, a);
        assertThat(w.k.memmap().nid(old)).isEqualTo(P);

        assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).isZero();

        long now = w.k.mmOps().folioAt(w.task, a);
        assertThat(now).isNotEqualTo(old);
        assertThat(w.k.memmap().nid(now)).isZero();
        assertThat(w.k.alloc().folioOrder(old)).isNegative(); // freed
        assertThat(w.k.dispatcher().stats().consulted(Site.WRITE_FAULT)).isEqualTo(1);
        assertThat(w.k.dispatcher().ledger().breaches()).isEmpty();
        assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).isZero();
        assertThat(w.k.mmOps().folioAt(w.task, a)).isEqualTo(now); // the copy is writable: no second fault
        assertThat(w.k.dispatcher().stats().consulted(Site.WRITE_FAULT)).isEqualTo(1);
    }

    @Test
    void without_the_fence_the_write_lands_in_place() {
        PrivateWorld w = world(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        long a = w.userPageOnPrivateNode();
        long old = w.k.mmOps().folioAt(w.task, a);

        assertThat(w.k.mmOps().touch(w.task, a, 4096, true)).isZero();

        assertThat(w.k.mmOps().folioAt(w.task, a)).isEqualTo(old);
        assertThat(w.k.dispatcher().stats().consulted(Site.WRITE_FAULT)).isZero();
        assertThat(w.k.dispatcher().ledger().breaches()).isEmpty();
    }

    @Test
    void a_read_of_a_fenced_folio_keeps_it_on_the_node() {
        PrivateWorld w = world(NodeCap.NODE_PRIVATE_CAP_USER_NUMA, NodeCap.NODE_PRIVATE_CAP_WRITE_FENCE);
        long a = w.userPageOnPrivateNode();
        long old = w.k.mmOps().folioAt(w.task, a);

        assertThat(w.k.mmOps().touch(w.task, a, 4096, false)).isZero();

        assertThat(w.k.mmOps().folioAt(w.task, a)).isEqualTo(old);
        assertThat(w.k.memmap().flags(old) & Memmap.PG_ANON).isNotZero();
        assertThat(w.k.dispatcher().stats().consulted(Site.WRITE_FAULT)).isZero();
    }
}
