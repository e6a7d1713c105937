package org.mmproto.core.mm;

import java.util.List;
import org.mmproto.api.ZoneType;
import org.mmproto.core.stats.VmStat;

/** {@code pg_data_t}: one NUMA node, its zones, zonelists and per-node counters. */
public final class Node {
    final int nid;
    final Zone[] zones;
    final List<Integer> cpus;
    /** Marked private by the machine file: a device node whose place the design decides. */
    final boolean isPrivate;
    /** {@code online: none}: ZONE_NORMAL and ZONE_MOVABLE share the range, one online at a time. */
    boolean hotpluggable;
    /** In N_MEMORY: every ordinary node with memory; a private node only where the design keeps it there. */
    boolean nMemory;
    /** ZONELIST_FALLBACK: populated zones, nodes nearest first, zones highest first. */
    Zone[] zonelistFallback = new Zone[0];
    /** ZONELIST_NOFALLBACK: this node's populated zones only (__GFP_THISNODE). */
    Zone[] zonelistNoFallback = new Zone[0];
    /** ZONELIST_PRIVATE (v5): the fallback list that also holds private nodes; empty unless a design builds it. */
    Zone[] zonelistPrivate = new Zone[0];
    /** ZONELIST_PRIVATE_NOFALLBACK (v5). */
    Zone[] zonelistPrivateNoFallback = new Zone[0];
    /** Node order of the fallback list ("Fallback order for Node N"). */
    int[] fallbackOrder = new int[0];
    final long[] vmstat = new long[VmStat.COUNT];

    Node(int nid, Zone[] zones, List<Integer> cpus, boolean isPrivate) {
        this.nid = nid;
        this.zones = zones;
        this.cpus = List.copyOf(cpus);
        this.isPrivate = isPrivate;
        this.nMemory = !isPrivate;
    }

    /** Memory in a zone at or below ZONE_NORMAL (changes only by memory hotplug). */
    private boolean hasNormalZones() {
        for (int i = 0; i <= ZoneType.NORMAL.ordinal(); i++) {
            if (zones[i].populated()) {
                return true;
            }
        }
        return false;
    }

    public int nid() {
        return nid;
    }

    public Zone zone(ZoneType t) {
        return zones[t.ordinal()];
    }

    public List<Zone> zones() {
        return List.of(zones);
    }

    public List<Integer> cpus() {
        return cpus;
    }

    public boolean isPrivate() {
        return isPrivate;
    }

    /** Pages of onlined memory (memory hotplug changes it, as online_pages does node_present_pages). */
    public long presentPages() {
        long p = 0;
        for (Zone z : zones) {
            p += z.presentPages();
        }
        return p;
    }

    public long managedPages() {
        long n = 0;
        for (Zone z : zones) {
            n += z.managedPages();
        }
        return n;
    }

    public long freePages() {
        long n = 0;
        for (Zone z : zones) {
            n += z.freePages;
        }
        return n;
    }

    /** Memory in any zone, in N_MEMORY (a private node only where the design keeps it there). */
    public boolean inNMemory() {
        return nMemory && presentPages() > 0;
    }

    /** N_MEMORY_PRIVATE of the private-nodes RFC: a private node the design took out of N_MEMORY. */
    public boolean inNMemoryPrivate() {
        return isPrivate && !nMemory && presentPages() > 0;
    }

    /** Memory in a zone at or below ZONE_NORMAL: N_NORMAL_MEMORY. */
    public boolean inNNormalMemory() {
        return nMemory && hasNormalZones();
    }

    public boolean hasCpus() {
        return !cpus.isEmpty();
    }

    /**
     * N_ONLINE: a node with memory or cpus (a node id the machine lacks has neither); a node with
     * hot-pluggable memory not yet onlined is online too (the kernel onlines the node when the
     * memory is added, before it is onlined).
     */
    public boolean online() {
        return presentPages() > 0 || hasCpus() || hotpluggable();
    }

    /** Memory that memory hotplug onlines and offlines: the machine file's {@code online: none}. */
    public boolean hotpluggable() {
        return hotpluggable;
    }

    public int[] fallbackOrder() {
        return fallbackOrder.clone();
    }

    public List<Zone> zonelistFallback() {
        return List.of(zonelistFallback);
    }

    public List<Zone> zonelistNoFallback() {
        return List.of(zonelistNoFallback);
    }

    public List<Zone> zonelistPrivate() {
        return List.of(zonelistPrivate);
    }

    public long vmstat(VmStat item) {
        return vmstat[item.ordinal()];
    }
}
