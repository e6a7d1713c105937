package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.hooks.designs.BuddyVeto;
import org.mmproto.core.hooks.designs.FallbackOnly;
import org.mmproto.core.hooks.designs.OpsStruct;

/** Each per-node invariant fires on a design that breaks it, and stays quiet on one that keeps it. */
class PrivacyInvariantsTest {
    private static final int THISNODE_KERNEL = Gfp.GFP_KERNEL.or(Gfp.__GFP_THISNODE).bits() | Gfp.Bits.NOWARN;

    @Test
    void leak_fires_when_a_kernel_thisnode_allocation_lands_on_the_node() {
        PrivateWorld fallback = new PrivateWorld(RecordingDriver.with(), new FallbackOnly(), Duration.ZERO);
        long p = fallback.k.alloc().allocPages(THISNODE_KERNEL, 0, PrivateWorld.P, null, 0);
        assertThat(fallback.k.memmap().nid(p)).isEqualTo(PrivateWorld.P);
        assertThat(fallback.k.dispatcher().ledger().count("leak")).isEqualTo(1);
        assertThat(fallback.k.dispatcher().ledger().liveLeaks()).containsExactly(p);
        fallback.k.alloc().freePages(p, 0);
        assertThat(fallback.k.dispatcher().ledger().liveLeaks()).isEmpty();

        PrivateWorld ops = new PrivateWorld(RecordingDriver.with());
        assertThat(ops.k.alloc().allocPages(THISNODE_KERNEL, 0, PrivateWorld.P, null, 0)).isNegative();
        assertThat(ops.k.dispatcher().ledger().breaches()).isEmpty();
    }

    @Test
    void escape_fires_when_a_longterm_pin_migrates_a_movable_folio_off_the_node() {
        RecordingDriver drv = RecordingDriver.with().onlined(ZoneType.MOVABLE);
        PrivateWorld w = new PrivateWorld(drv, new FallbackOnly(), Duration.ZERO, true);
        long a = w.userPageOnPrivateNode();
        int[] err = new int[1];
        long[] pinned = w.k.gup().pin(w.task, a, 1, Gup.FOLL_LONGTERM, err);
        assertThat(pinned).isNotNull();
        assertThat(w.k.memmap().nid(pinned[0])).isNotEqualTo(PrivateWorld.P);
        assertThat(w.k.dispatcher().ledger().count("escape")).isEqualTo(1);

        PrivateWorld veto = new PrivateWorld(RecordingDriver.with().onlined(ZoneType.MOVABLE), new BuddyVeto(), Duration.ZERO, true);
        long b = veto.userPageOnPrivateNode();
        assertThat(veto.k.gup().pin(veto.task, b, 1, Gup.FOLL_LONGTERM, err)).isNull();
        assertThat(veto.k.dispatcher().ledger().breaches()).isEmpty();
    }

    @Test
    void unsafe_write_fires_when_a_design_does_not_route_writes_to_handle_fault() {
        RecordingDriver drv = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_PROTECT_WRITE);
        PrivateWorld fallback = new PrivateWorld(drv, new FallbackOnly(), Duration.ZERO);
        long a = fallback.userPageOnPrivateNode();
        fallback.k.mmOps().touch(fallback.task, a, 4096, true);
        assertThat(fallback.k.dispatcher().ledger().count("unsafe write")).isEqualTo(1);

        PrivateWorld ops = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_PROTECT_WRITE));
        long b = ops.userPageOnPrivateNode();
        ops.k.mmOps().touch(ops.task, b, 4096, true);
        assertThat(ops.k.dispatcher().ledger().breaches()).isEmpty();
    }

    @Test
    void unnotified_free_fires_for_ops_struct_on_free_pages_but_not_for_buddy_veto() {
        PrivateWorld ops = new PrivateWorld(RecordingDriver.with(), new OpsStruct(), Duration.ZERO);
        long p = ops.k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, PrivateWorld.P, null, 0);
        ops.k.alloc().freePages(p, 0);
        assertThat(ops.k.dispatcher().ledger().count("unnotified free")).isEqualTo(1);

        RecordingDriver drv = RecordingDriver.with();
        PrivateWorld veto = new PrivateWorld(drv, new BuddyVeto(), Duration.ZERO);
        long q = veto.k.alloc().allocPages(Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE).bits(), 0, PrivateWorld.P, null, 0);
        assertThat(drv.count("alloc_veto")).isEqualTo(1);
        veto.k.alloc().freePages(q, 0);
        assertThat(drv.count("free_folio FREE_PAGES")).isEqualTo(1);
        assertThat(veto.k.dispatcher().ledger().breaches()).isEmpty();
    }

    /** A veto is not consent: a design that asks alloc_veto and hands the page out anyway leaks it. */
    @Test
    void a_landing_the_driver_vetoed_is_a_leak_under_a_design_that_ignores_the_veto() {
        org.mmproto.api.design.Design ignoresVeto = new org.mmproto.api.design.Design() {
            @Override
            public String name() {
                return "ignores-veto";
            }

            @Override
            public String summary() {
                return "asks alloc_veto and hands the pages out anyway";
            }

            @Override
            public String source() {
                return "test";
            }

            @Override
            public org.mmproto.api.driver.Verdict handout(org.mmproto.api.design.AllocGate gate,
                    org.mmproto.api.design.DriverAccess driver) {
                if (driver.present()) {
                    driver.allocVeto(gate.request());
                }
                return org.mmproto.api.driver.Verdict.ALLOW;
            }
        };
        RecordingDriver drv = RecordingDriver.with();
        drv.allocAnswer = org.mmproto.api.driver.Verdict.deny(org.mmproto.api.Errno.ENOMEM, "device full");
        PrivateWorld w = new PrivateWorld(drv, ignoresVeto, Duration.ZERO);
        long p = w.k.alloc().allocPages(THISNODE_KERNEL, 0, PrivateWorld.P, null, 0);
        assertThat(w.k.memmap().nid(p)).isEqualTo(PrivateWorld.P);
        assertThat(drv.count("alloc_veto")).isGreaterThanOrEqualTo(1);
        assertThat(w.k.dispatcher().ledger().count("leak")).isEqualTo(1);
    }
}
