package org.mmproto.samples.anondax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/** The device's own logic: hotplug transitions, toggles only while unplugged, the mmap answer. */
class AnondaxDriverTest {
    private static final TaskRef A = new TaskRef(100, "a", 1000);
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private final FakeContext ctx = new FakeContext();

    private AnondaxDriver bound(Map<String, Object> config) {
        AnondaxDriver d = new AnondaxDriver();
        NodeOptIns o = d.bind(new NodeBinding(2, 1 << 18, ZoneType.NORMAL, config), ctx);
        assertThat(o.flags()).isEmpty();
        return d;
    }

    private static Verdict write(AnondaxDriver d, String attr, String value) {
        return d.deviceControl(new ControlRequest(2, attr, value, A));
    }

    private static Errno errno(Verdict v) {
        return v instanceof Verdict.Deny deny ? deny.errno() : null;
    }

    @Test
    void binds_unplugged_and_moves_between_zones_only_through_unplugged() {
        AnondaxDriver d = bound(Map.of());
        assertThat(d.state()).isEqualTo(HotplugState.UNPLUGGED);
        assertThat(ctx.counter("hotplug_state")).isZero();
        assertThat(write(d, "hotplug", "online_movable").allowed()).isTrue();
        assertThat(ctx.state).isEqualTo(HotplugState.ONLINE_MOVABLE);
        assertThat(ctx.counter("hotplug_state")).isEqualTo(1);
        assertThat(errno(write(d, "hotplug", "online_kernel"))).isEqualTo(Errno.EBUSY);
        assertThat(ctx.state).isEqualTo(HotplugState.ONLINE_MOVABLE);
        assertThat(write(d, "hotplug", "online_movable").allowed()).as("the state it is in").isTrue();
        assertThat(write(d, "hotplug", "unplugged").allowed()).isTrue();
        assertThat(write(d, "hotplug", "online_kernel").allowed()).isTrue();
        assertThat(ctx.state).isEqualTo(HotplugState.ONLINE_KERNEL);
        assertThat(ctx.counter("onlines")).isEqualTo(2);
        assertThat(ctx.counter("unplugs")).isEqualTo(1);
        assertThat(ctx.counter("control_rejected")).isEqualTo(1);
        assertThat(errno(write(d, "hotplug", "online"))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void unplug_while_pages_are_mapped_is_the_engines_ebusy_and_the_device_stays_online() {
        AnondaxDriver d = bound(Map.of());
        write(d, "hotplug", "online_movable");
        ctx.mappedPages = 16;
        assertThat(errno(write(d, "hotplug", "unplugged"))).isEqualTo(Errno.EBUSY);
        assertThat(d.state()).isEqualTo(HotplugState.ONLINE_MOVABLE);
        assertThat(ctx.counter("hotplug_state")).isEqualTo(1);
    }

    @Test
    void capability_toggles_are_writable_only_while_unplugged_and_register_at_the_next_online() {
        AnondaxDriver d = bound(Map.of("reclaim", 1));
        assertThat(write(d, "user_numa", "1").allowed()).isTrue();
        assertThat(errno(write(d, "user_numa", "yes"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(write(d, "no_such", "1"))).isEqualTo(Errno.EINVAL);
        write(d, "hotplug", "online_kernel");
        assertThat(ctx.registrations).hasSize(1);
        assertThat(ctx.registrations.get(0).caps())
                .containsExactlyInAnyOrder(NodeCap.NODE_PRIVATE_CAP_RECLAIM, NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        assertThat(errno(write(d, "user_numa", "0"))).isEqualTo(Errno.EBUSY);
        assertThat(d.caps()).contains(NodeCap.NODE_PRIVATE_CAP_USER_NUMA);
        write(d, "hotplug", "unplugged");
        assertThat(write(d, "user_numa", "0").allowed()).isTrue();
        write(d, "hotplug", "online_kernel");
        assertThat(ctx.registrations.get(1).caps()).containsExactly(NodeCap.NODE_PRIVATE_CAP_RECLAIM);
    }

    @Test
    void mmap_gives_a_private_bind_of_the_node_and_refuses_map_shared() {
        AnondaxDriver d = bound(Map.of());
        DeviceMapping m = d.deviceMmap(new DeviceMmapRequest(2, 1 << 20, 3, MAP_PRIVATE, 0, A));
        assertThat(m.accept()).isTrue();
        assertThat(m.mpolPrivate()).isTrue();
        assertThat(m.nodes()).isEqualTo(NodeMask.of(2));
        DeviceMapping s = d.deviceMmap(new DeviceMmapRequest(2, 1 << 20, 3, MAP_SHARED, 0, A));
        assertThat(s.accept()).isFalse();
        assertThat(s.refusal()).isEqualTo(Errno.EINVAL);
        assertThat(ctx.counter("mmaps")).isEqualTo(1);
        assertThat(ctx.counter("mmap_rejected")).isEqualTo(1);
    }

    @Test
    void a_node_the_machine_onlined_at_boot_starts_in_its_zone() {
        ctx.state = HotplugState.ONLINE_MOVABLE;
        AnondaxDriver d = bound(Map.of());
        assertThat(d.state()).isEqualTo(HotplugState.ONLINE_MOVABLE);
        assertThat(errno(write(d, "reclaim", "1"))).isEqualTo(Errno.EBUSY);
    }

    @Test
    void a_bad_config_value_names_the_node_and_the_key() {
        assertThatThrownBy(() -> bound(Map.of("user_numa", 2)))
                .hasMessageContaining("node 2").hasMessageContaining("user_numa").hasMessageContaining("0 or 1");
        assertThatThrownBy(() -> bound(Map.of("zratio", 1)))
                .hasMessageContaining("unknown config key 'zratio'");
    }
}
