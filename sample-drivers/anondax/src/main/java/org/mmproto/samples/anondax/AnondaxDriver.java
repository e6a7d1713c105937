package org.mmproto.samples.anondax;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.api.NodeMask;
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
import org.mmproto.api.driver.Verdict;
import org.pf4j.Extension;

/**
 * anondax, the private-nodes series' reference provider since June 2026 (drivers/dax/anondax.c
 * of the development branch; v5 §4): binding creates an <em>unplugged</em> device; its
 * {@code hotplug} attribute moves it between {@code unplugged}, {@code online_movable} and
 * {@code online_kernel}, a zone change only through unplugged (EBUSY otherwise); its capability
 * attributes ({@code user_numa}, {@code reclaim}, ...) can be written only while it is unplugged
 * (EBUSY), since capabilities are fixed when the node registers at online. Mapping the device
 * gives an anonymous private VMA with a device-lifetime {@code MPOL_BIND|MPOL_F_PRIVATE} policy
 * over the node, so faults land there with no mbind; MAP_SHARED is refused (EINVAL). A fault
 * before onlining is SIGBUS and an unplug while pages are mapped is EBUSY: both are the engine's
 * (the memory is not there; the memory cannot be migrated out).
 *
 * <p>Statistics (R1.9): {@code hotplug_state} (0 unplugged, 1 online_movable, 2 online_kernel),
 * {@code onlines}, {@code unplugs}, {@code control_rejected} (writes answered with an errno),
 * {@code mmaps}, {@code mmap_rejected}.
 */
@Extension
public final class AnondaxDriver implements PrivateNodeDriver {
    private DriverContext context;
    private int nid;
    private final Set<NodeCap> caps = EnumSet.noneOf(NodeCap.class);
    private HotplugState state = HotplugState.UNPLUGGED;
    private final Map<String, Long> stats = new LinkedHashMap<>();

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
        caps.addAll(AnondaxConfig.parse(binding.nid(), binding.config()).caps());
        this.context = ctx;
        this.nid = binding.nid();
        // a machine that onlined the node at boot (no `online: none`): the device starts in that zone
        this.state = ctx.hotplugState();
        for (String s : new String[] {"onlines", "unplugs", "control_rejected", "mmaps", "mmap_rejected"}) {
            count(s, 0);
        }
        reportState();
        return optIns();
    }

    /** The registration the device makes at online: its capabilities, no v4 flags (v5 has no callbacks). */
    private NodeOptIns optIns() {
        return new NodeOptIns(EnumSet.noneOf(NpOps.class), caps);
    }

    @Override
    public DeviceMapping deviceMmap(DeviceMmapRequest request) {
        if (request.shared()) {
            count("mmap_rejected", 1);
            return DeviceMapping.refuse(Errno.EINVAL); // a shared mapping would be page cache, not anonymous memory
        }
        count("mmaps", 1);
        return DeviceMapping.bindPrivate(NodeMask.of(nid));
    }

    @Override
    public Verdict deviceControl(ControlRequest request) {
        Verdict v = request.attr().equals("hotplug") ? hotplug(request.value()) : toggle(request.attr(), request.value());
        if (!v.allowed()) {
            count("control_rejected", 1);
        }
        return v;
    }

    private Verdict hotplug(String value) {
        HotplugState target = HotplugState.parse(value);
        if (target == null) {
            return Verdict.deny(Errno.EINVAL, "anondax: hotplug: expected unplugged, online_movable or online_kernel");
        }
        if (target == state) {
            return Verdict.ALLOW;
        }
        if (target.online() && state.online()) {
            return Verdict.deny(Errno.EBUSY, "anondax: " + state.sysfsName() + " -> " + target.sysfsName()
                    + ": a zone change needs an unplug first");
        }
        int r = context.hotplug(target, optIns());
        if (r < 0) {
            return Verdict.deny(Errno.fromCode(-r), "anondax: " + state.sysfsName() + " -> " + target.sysfsName()
                    + " refused by memory hotplug");
        }
        count(target.online() ? "onlines" : "unplugs", 1);
        state = target;
        reportState();
        return Verdict.ALLOW;
    }

    private Verdict toggle(String attr, String value) {
        NodeCap cap = AnondaxConfig.TOGGLES.get(attr);
        if (cap == null) {
            return Verdict.deny(Errno.EINVAL, "anondax: no attribute '" + attr + "'; expected hotplug or one of "
                    + AnondaxConfig.KEYS);
        }
        Boolean on = AnondaxConfig.toggleValue(value);
        if (on == null) {
            return Verdict.deny(Errno.EINVAL, "anondax: " + attr + ": expected 0 or 1");
        }
        if (state.online()) {
            return Verdict.deny(Errno.EBUSY, "anondax: " + attr + " is fixed while the device is online");
        }
        if (on) {
            caps.add(cap);
        } else {
            caps.remove(cap);
        }
        return Verdict.ALLOW;
    }

    /** The capabilities the next online registers, for tests. */
    Set<NodeCap> caps() {
        return Set.copyOf(caps);
    }

    HotplugState state() {
        return state;
    }

    private void reportState() {
        stats.put("hotplug_state", (long) state.ordinal());
        context.reportStat("hotplug_state", state.ordinal());
    }

    private void count(String name, long delta) {
        long v = stats.merge(name, delta, Long::sum);
        context.reportStat(name, v);
    }

    /** The device's statistics, for tests. */
    Map<String, Long> stats() {
        return Map.copyOf(stats);
    }
}
