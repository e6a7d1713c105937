package org.mmproto.core.hotplug;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.hooks.designs.ZonelistPrivate;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.tier.MemoryTiers;

/**
 * The memory_tier hotplug callback: a device node onlined joins the tier of its abstract distance
 * (as its design says, with the capabilities it registered at this online) and becomes the DRAM
 * nodes' demotion target; unplugged, it leaves the tiers and the targets again.
 */
class TierHotplugTest {
    /** A provider whose online registers {@code caps}. */
    static final class Device implements PrivateNodeDriver {
        final Set<NodeCap> caps;
        DriverContext ctx;

        Device(Set<NodeCap> caps) {
            this.caps = caps;
        }

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext c) {
            this.ctx = c;
            return new NodeOptIns(EnumSet.noneOf(NpOps.class), caps);
        }

        @Override
        public Verdict deviceControl(ControlRequest r) {
            int e = ctx.hotplug(HotplugState.parse(r.value()), new NodeOptIns(EnumSet.noneOf(NpOps.class), caps));
            return e == 0 ? Verdict.ALLOW : Verdict.deny(Errno.fromCode(e), "hotplug");
        }
    }

    private static Kernel boot(Design d, Set<NodeCap> caps) {
        return Kernel.boot(MachineFiles.bundled("private-hotplug"), d,
                List.of(new DriverSpec("device", () -> new Device(caps), 2, Map.of(), "t.yaml", 1)), Duration.ZERO);
    }

    private static void hotplug(Kernel k, String state) {
        var v = k.dispatcher().deviceFiles().control(new ControlRequest(2, "hotplug", state, k.dispatcher().current()));
        assertThat(v.allowed()).as(state).isTrue();
    }

    private static final Set<NodeCap> DEMOTION = EnumSet.of(NodeCap.NODE_PRIVATE_CAP_RECLAIM, NodeCap.NODE_PRIVATE_CAP_DEMOTION);

    @Test
    void an_onlined_node_joins_its_tier_and_the_demotion_targets_and_leaves_them_at_unplug() {
        Kernel k = boot(new ZonelistPrivate(), DEMOTION);
        MemoryTiers tiers = k.tiering().tiers();
        assertThat(tiers.tierOf(2)).as("unplugged: in no tier").isEqualTo(-1);
        assertThat(tiers.preferred(0)).isEqualTo(NodeMask.NONE);
        assertThat(k.tiering().text()).contains("Demotion targets for Node 0: null");

        hotplug(k, "online_movable");
        assertThat(tiers.tierOf(2)).as("dax/kmem adistance 2880").isEqualTo(MemoryTiers.MEMTIER_DEFAULT_DAX_ADISTANCE >> 7);
        assertThat(tiers.preferred(0)).isEqualTo(NodeMask.of(2));
        assertThat(tiers.allowed(1)).isEqualTo(NodeMask.of(2));
        assertThat(tiers.isTopTier(2)).isFalse();
        assertThat(k.tiering().text()).contains("memory_tier22/nodelist: 2", "Demotion targets for Node 0: preferred: 2, fallback: 2");

        hotplug(k, "unplugged");
        assertThat(tiers.tierOf(2)).isEqualTo(-1);
        assertThat(tiers.preferred(0)).isEqualTo(NodeMask.NONE);
        assertThat(k.tiering().text()).doesNotContain("memory_tier22").contains("Demotion targets for Node 0: null");

        hotplug(k, "online_kernel"); // a zone change through unplug: placed again
        assertThat(tiers.preferred(1)).isEqualTo(NodeMask.of(2));
    }

    @Test
    void the_design_decides_at_each_online_with_the_capabilities_registered_then() {
        Kernel v5 = boot(new ZonelistPrivate(), EnumSet.of(NodeCap.NODE_PRIVATE_CAP_RECLAIM));
        v5.tiering().tiers().tierOf(0); // the tiers are consulted before the online
        hotplug(v5, "online_movable");
        assertThat(v5.tiering().tiers().tierOf(2)).as("no NODE_PRIVATE_CAP_DEMOTION: not a tier").isEqualTo(-1);
        assertThat(v5.tiering().tiers().preferred(0)).isEqualTo(NodeMask.NONE);

        Kernel mainline = boot(new Unpatched(), EnumSet.of(NodeCap.NODE_PRIVATE_CAP_RECLAIM));
        mainline.tiering().tiers().tierOf(0);
        hotplug(mainline, "online_movable");
        assertThat(mainline.tiering().tiers().preferred(0)).as("mainline tiers every memory node").isEqualTo(NodeMask.of(2));
    }

    @Test
    void tiers_first_consulted_after_the_online_see_the_node_too() {
        Kernel k = boot(new ZonelistPrivate(), DEMOTION);
        hotplug(k, "online_movable");
        assertThat(k.tiering().tiers().preferred(0)).isEqualTo(NodeMask.of(2));
    }
}
