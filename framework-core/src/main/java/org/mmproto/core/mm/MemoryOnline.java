package org.mmproto.core.mm;

import java.util.Arrays;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateType;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.HotplugState;

/**
 * Memory hotplug of a node the machine file declares {@code online: none} (mm/memory_hotplug.c):
 * the memory is present from boot, its range and memmap exist, but it spans no zone until it is
 * onlined into ZONE_MOVABLE ({@code online_movable}) or ZONE_NORMAL ({@code online_kernel}).
 * Onlining grows the zone's span over the range, frees the pages into the buddy allocator, sets
 * the node states (the run's design places a private node), rebuilds every zonelist and resets
 * the watermarks (online_pages: node_states_set_node, build_all_zonelists,
 * init_per_zone_wmark_min). A zone change goes through offline: onlining a node already online
 * in the other zone is EBUSY, as is offlining while any page of the node is allocated (the
 * memory cannot be migrated out here: nothing isolates and migrates a hot-removed range).
 */
public final class MemoryOnline {
    private final PhysicalMemory mem;
    private final PageAllocator alloc;
    private final PrivateNodeLayout layout;

    public MemoryOnline(PhysicalMemory mem, PageAllocator alloc, PrivateNodeLayout layout) {
        this.mem = mem;
        this.alloc = alloc;
        this.layout = layout;
    }

    /** Whether the node's memory is hot-pluggable at all. */
    public boolean hotpluggable(int nid) {
        return nid >= 0 && nid < mem.nodeCount() && mem.node(nid).hotpluggable();
    }

    /** The node's state: the zone its memory is onlined into, or UNPLUGGED. */
    public HotplugState state(int nid) {
        Node n = mem.node(nid);
        boolean movable = n.zone(ZoneType.MOVABLE).online();
        if (n.hotpluggable()) {
            return movable ? HotplugState.ONLINE_MOVABLE
                    : n.zone(ZoneType.NORMAL).online() ? HotplugState.ONLINE_KERNEL : HotplugState.UNPLUGGED;
        }
        if (n.presentPages() == 0) {
            return HotplugState.UNPLUGGED;
        }
        return movable && n.presentPages() == n.zone(ZoneType.MOVABLE).presentPages()
                ? HotplugState.ONLINE_MOVABLE : HotplugState.ONLINE_KERNEL;
    }

    /**
     * Moves the node to {@code target}: 0 on success (also when it is there already), -EINVAL for
     * a node without hot-pluggable memory, -EBUSY for a zone change without unplugging first or an
     * unplug while pages are allocated.
     */
    public int set(int nid, HotplugState target) {
        if (!hotpluggable(nid)) {
            return -Errno.EINVAL.code();
        }
        HotplugState now = state(nid);
        if (now == target) {
            return 0;
        }
        if (target == HotplugState.UNPLUGGED) {
            return offline(nid);
        }
        if (now != HotplugState.UNPLUGGED) {
            return -Errno.EBUSY.code(); // the zone is chosen at online: unplug first
        }
        online(nid, target == HotplugState.ONLINE_MOVABLE ? ZoneType.MOVABLE : ZoneType.NORMAL);
        return 0;
    }

    private void online(int nid, ZoneType type) {
        Node n = mem.node(nid);
        Zone z = n.zone(type);
        z.setSpanned(true);
        Arrays.fill(z.pageblockMt, (byte) MigrateType.MOVABLE.ordinal()); // memmap_init_range
        mem.reindex();
        PhysicalMemory.freeAllToBuddy(z);
        rebuild(n);
        alloc.enablePcp();
    }

    private int offline(int nid) {
        Node n = mem.node(nid);
        for (Zone z : n.zones) {
            if (!z.online()) {
                continue;
            }
            Pcp.drain(z);
            if (z.freePages != z.managedPages()) {
                return -Errno.EBUSY.code(); // pages in use: without HOTUNPLUG they cannot be migrated out
            }
        }
        for (Zone z : n.zones) {
            if (z.online()) {
                Arrays.fill(z.freeHead, -1);
                Arrays.fill(z.nrFree, 0);
                Arrays.fill(z.nrFreeByType, 0);
                Arrays.fill(z.state, (byte) PageState.INSIDE);
                z.freePages = 0;
                z.pcp = null;
                z.setSpanned(false);
            }
        }
        mem.reindex();
        rebuild(n);
        return 0;
    }

    /** node_states_set_node / clear, build_all_zonelists, init_per_zone_wmark_min. */
    private void rebuild(Node n) {
        n.nMemory = !n.isPrivate || layout.inNMemory(n.nid);
        ZonelistBuilder.buildAll(mem.nodes, mem.spec().distance(), layout);
        mem.resetWatermarks();
    }
}
