package org.mmproto.samples.cram;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.api.driver.Verdict;

/** The device attributes cram_node_basic.sh drives through debugfs: the cram knob, hotplug, balloon inflate/deflate. */
class CramControlTest {
    private static Verdict write(CompressedRamDriver d, String attr, String value) {
        return d.deviceControl(new ControlRequest(2, attr, value, TaskRef.KERNEL));
    }

    /** The errno of a refused write, null when it was allowed. */
    private static Errno errno(Verdict v) {
        return v instanceof Verdict.Deny deny ? deny.errno() : null;
    }

    private static CompressedRamDriver unplugged(ClockContext ctx, Map<String, Object> config) {
        ctx.pages = 16384;
        ctx.ownable = 16000;
        ctx.hotplug = HotplugState.UNPLUGGED;
        CompressedRamDriver d = new CompressedRamDriver();
        ctx.driver = d;
        d.bind(new NodeBinding(2, ctx.pages, ZoneType.MOVABLE, config), ctx);
        return d;
    }

    private static final Map<String, Object> V5 = Map.of("model", "v5", "physical", "32MiB", "zratio", 2000);

    @Test
    void the_cram_knob_is_writable_only_while_unplugged_and_decides_the_registration() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = unplugged(ctx, V5);
        assertThat(ctx.owned).as("an unplugged node has nothing to reserve").isEmpty();
        assertThat(write(d, "cram", "0").allowed()).isTrue();
        assertThat(errno(write(d, "cram", "2"))).isEqualTo(Errno.EINVAL);
        assertThat(write(d, "hotplug", "online_movable").allowed()).isTrue();
        assertThat(ctx.registrations.get(0).caps()).as("cram 0: no CRAM service registered").isEmpty();
        assertThat(errno(write(d, "cram", "1"))).isEqualTo(Errno.EBUSY);
        assertThat(errno(write(d, "hotplug", "online_kernel"))).as("zone change without unplug").isEqualTo(Errno.EBUSY);
        assertThat(write(d, "hotplug", "unplugged").allowed()).isTrue();
        assertThat(write(d, "cram", "1").allowed()).isTrue();
        assertThat(write(d, "hotplug", "online_movable").allowed()).isTrue();
        assertThat(ctx.registrations.get(1).caps()).contains(NodeCap.NODE_PRIVATE_CAP_DEMOTION);
        assertThat(ctx.stat("onlines")).isEqualTo(2);
        assertThat(ctx.stat("unplugs")).isEqualTo(1);
        assertThat(ctx.stat("control_rejected")).isEqualTo(3);
    }

    @Test
    void inflate_and_deflate_move_the_balloon_by_the_pages_asked_within_what_the_node_gives() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = unplugged(ctx, V5);
        assertThat(errno(write(d, "balloon_inflate", "8"))).as("unplugged: no memory").isEqualTo(Errno.ENODEV);
        write(d, "hotplug", "online_movable");
        assertThat(ctx.stat("balloon_pages")).as("32 MiB at 2:1 covers the node").isZero();
        assertThat(write(d, "balloon_inflate", "8192").allowed()).isTrue();
        assertThat(ctx.stat("balloon_pages")).isEqualTo(8192);
        assertThat(ctx.owned).hasSize(8192);
        assertThat(write(d, "balloon_deflate", "8192").allowed()).isTrue();
        assertThat(ctx.stat("balloon_pages")).isZero();
        assertThat(ctx.owned).isEmpty();
        // past what the node can give (16000 ownable): all of it, no more; a further inflate adds nothing
        write(d, "balloon_inflate", "32768");
        assertThat(ctx.stat("balloon_pages")).isEqualTo(16000);
        assertThat(ctx.stat("balloon_manual_pages")).isEqualTo(16000);
        write(d, "balloon_inflate", "1024");
        assertThat(ctx.stat("balloon_pages")).isEqualTo(16000);
        assertThat(errno(write(d, "balloon_deflate", "x"))).isEqualTo(Errno.EINVAL);
        assertThat(write(d, "balloon_deflate", "all").allowed()).isTrue();
        assertThat(ctx.stat("balloon_pages")).isZero();
        assertThat(ctx.stat("balloon_manual_pages")).isZero();
    }

    @Test
    void unplug_gives_the_balloon_back_first_and_takes_it_again_when_hotplug_refuses() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = unplugged(ctx, V5);
        write(d, "hotplug", "online_movable");
        write(d, "balloon_inflate", "100");
        ctx.hotplugAnswer = -16;
        assertThat(errno(write(d, "hotplug", "unplugged"))).isEqualTo(Errno.EBUSY);
        assertThat(ctx.stat("balloon_pages")).as("taken back").isEqualTo(100);
        ctx.hotplugAnswer = 0;
        assertThat(write(d, "hotplug", "unplugged").allowed()).as("the balloon no longer pins the node").isTrue();
        assertThat(ctx.owned).isEmpty();
        assertThat(ctx.stat("hotplug_state")).isZero();
    }

    @Test
    void the_v4_model_has_no_balloon_to_command() {
        ClockContext ctx = new ClockContext();
        CompressedRamDriver d = unplugged(ctx, Map.of("model", "v4"));
        write(d, "hotplug", "online_movable");
        assertThat(errno(write(d, "balloon_inflate", "8"))).isEqualTo(Errno.EINVAL);
        assertThat(errno(write(d, "nope", "1"))).isEqualTo(Errno.EINVAL);
    }
}
