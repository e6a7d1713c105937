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
import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Requests.DeviceMmapRequest;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.GfpFlag;
import org.mmproto.core.hooks.designs.Unpatched;
import org.mmproto.core.hooks.designs.ZonelistPrivate;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Pte;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;

/** A device mmap on the private-hotplug machine: SIGBUS before online, the policy each design installs, unplug EBUSY. */
class DeviceMmapTest {
    private static final long MiB = 1 << 20;

    /** A device with an mmap that binds its node and a hotplug attribute, as a provider's minimum. */
    static final class Device implements PrivateNodeDriver {
        DriverContext ctx;

        @Override
        public NodeOptIns bind(NodeBinding binding, DriverContext c) {
            this.ctx = c;
            return new NodeOptIns(EnumSet.noneOf(NpOps.class), Set.of());
        }

        @Override
        public DeviceMapping deviceMmap(DeviceMmapRequest r) {
            return r.shared() ? DeviceMapping.refuse(Errno.EINVAL) : DeviceMapping.bindPrivate(NodeMask.of(r.nid()));
        }

        @Override
        public Verdict deviceControl(ControlRequest r) {
            int e = ctx.hotplug(HotplugState.parse(r.value()), new NodeOptIns(EnumSet.noneOf(NpOps.class),
                    EnumSet.of(NodeCap.NODE_PRIVATE_CAP_RECLAIM)));
            return e == 0 ? Verdict.ALLOW : Verdict.deny(Errno.fromCode(e), "hotplug");
        }
    }

    private static Kernel boot(Design d) {
        return Kernel.boot(MachineFiles.bundled("private-hotplug"), d,
                List.of(new DriverSpec("device", Device::new, 2, Map.of(), "t.yaml", 1)), Duration.ZERO);
    }

    private static int online(Kernel k, String state) {
        var v = k.dispatcher().deviceFiles().control(new ControlRequest(2, "hotplug", state, k.dispatcher().current()));
        return v instanceof Verdict.Deny d ? -d.errno().code() : 0;
    }

    private static long pagesOn(Kernel k, Task t, long addr, long len, int nid) {
        long n = 0;
        Vma v = t.mm().find(addr);
        for (long a = addr; a < addr + len; a += 4096) {
            long pte = v.pte(a);
            if (Pte.present(pte) && k.memmap().nid(Pte.pfn(pte)) == nid) {
                n++;
            }
        }
        return n;
    }

    @Test
    void faults_before_online_are_sigbus_then_land_on_the_node_with_no_mbind_under_zonelist_private() {
        Kernel k = boot(new ZonelistPrivate());
        Task t = k.spawn("a", 0, 0, 1000, Set.of());
        long a = k.deviceMmap().mmap(t, 2, 0, MiB, MmOps.PROT_READ | MmOps.PROT_WRITE, MmOps.MAP_PRIVATE, 0, "dev");
        assertThat(a).isPositive();
        Vma v = t.mm().find(a);
        assertThat(v.deviceNid()).isEqualTo(2);
        assertThat(v.policy().flags() & MemPolicy.MPOL_F_PRIVATE).as("zonelist-private keeps the flag").isNotZero();
        assertThat(k.mmOps().touch(t, a, 4096, true)).isEqualTo(-Errno.EFAULT.code());
        assertThat(online(k, "online_movable")).isZero();
        assertThat(k.dispatcher().registered(2).caps()).containsExactly(NodeCap.NODE_PRIVATE_CAP_RECLAIM);
        assertThat(k.mmOps().touch(t, a, MiB, true)).isZero();
        assertThat(pagesOn(k, t, a, MiB, 2)).isEqualTo(256);
        assertThat(online(k, "online_kernel")).isEqualTo(-Errno.EBUSY.code());
        assertThat(online(k, "unplugged")).as("pages mapped").isEqualTo(-Errno.EBUSY.code());
        k.mmOps().munmap(t, a, MiB);
        assertThat(online(k, "unplugged")).isZero();
        assertThat(k.mem().node(2).presentPages()).isZero();
    }

    @Test
    void map_shared_is_the_devices_einval_and_a_node_without_a_driver_has_no_device_file() {
        Kernel k = boot(new ZonelistPrivate());
        Task t = k.spawn("a", 0, 0, 1000, Set.of());
        assertThat(k.deviceMmap().mmap(t, 2, 0, MiB, 3, MmOps.MAP_SHARED, 0, null)).isEqualTo(-Errno.EINVAL.code());
        assertThat(k.deviceMmap().mmap(t, 0, 0, MiB, 3, MmOps.MAP_PRIVATE, 0, null)).isEqualTo(-Errno.ENODEV.code());
    }

    @Test
    void a_design_without_mpol_f_private_installs_a_plain_bind_and_only_the_flag_designs_depart_at_device_file() {
        for (Design d : List.of(new Unpatched(), new GfpFlag(), new ZonelistPrivate())) {
            Kernel k = boot(d);
            Task t = k.spawn("a", 0, 0, 1000, Set.of());
            online(k, "online_movable");
            long a = k.deviceMmap().mmap(t, 2, 0, MiB, 3, MmOps.MAP_PRIVATE, 0, null);
            boolean keeps = d instanceof ZonelistPrivate;
            assertThat(t.mm().find(a).policy().flags() & MemPolicy.MPOL_F_PRIVATE).as(d.name()).isEqualTo(
                    keeps ? MemPolicy.MPOL_F_PRIVATE : 0);
            assertThat(k.dispatcher().stats().sites().get(Site.DEVICE_FILE).departed()).as(d.name()).isEqualTo(keeps ? 1 : 0);
            int r = k.mmOps().touch(t, a, MiB, true);
            if (d instanceof GfpFlag) {
                assertThat(r).as("no __GFP_PRIVATE at the fault").isEqualTo(-Errno.ENOMEM.code());
            } else {
                assertThat(pagesOn(k, t, a, MiB, 2)).as(d.name()).isEqualTo(256);
            }
        }
    }

    @Test
    void the_top_cpuset_follows_n_memory_across_online_and_unplug() {
        Kernel k = boot(new Unpatched());
        Task t = k.spawn("a", 0, 0, 1000, Set.of());
        assertThat(t.memsAllowed().contains(2)).isFalse();
        online(k, "online_kernel");
        assertThat(t.memsAllowed().contains(2)).isTrue();
        online(k, "unplugged");
        assertThat(t.memsAllowed().contains(2)).isFalse();
    }
}
