package org.mmproto.core.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.mmproto.api.NodeMask;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.PhysicalMemory;

/**
 * mm/memory-tiers.c as the tiers stand after boot: each memory node's abstract distance (the
 * machine file's {@code adistance:}, else MEMTIER_ADISTANCE_DRAM 576 for a node with CPUs and the
 * dax/kmem default 2880 (5 x 576) for a CPU-less one, as CXL memory onlined through dax/kmem
 * gets), tiers of MEMTIER_CHUNK_SIZE (128) adistance chunks (id = adistance >> 7), the top tier
 * boundary (the slowest tier holding a node with CPUs), and establish_demotion_targets: per node
 * of a tier that is not the last, the nodes of the next lower tier at the minimum SLIT distance
 * (preferred) and every node of every lower tier (the allowed fallback mask). A private node joins
 * only if the design says so (Site.DEMOTION, once per private node here, and again at each
 * online of its memory). The tiers are established when the run first consults them (a demotion,
 * a hint fault, {@code show}), so a run that never tiers records no decision for it; after that,
 * memory hotplug moves a node in and out of them ({@link #memoryOnline}, {@link #memoryOffline}:
 * memtier_hotplug_callback) and the demotion targets follow.
 */
public final class MemoryTiers {
    public static final int MEMTIER_CHUNK_BITS = 7;
    public static final int MEMTIER_ADISTANCE_DRAM = (4 << MEMTIER_CHUNK_BITS) + (1 << (MEMTIER_CHUNK_BITS - 1));
    public static final int MEMTIER_DEFAULT_DAX_ADISTANCE = MEMTIER_ADISTANCE_DRAM * 5;

    private final int[] adistance;
    /** Tier id of each node, -1 for a node in no tier (memoryless, or a private node left out). */
    private final int[] tierOf;
    private final TreeMap<Integer, NodeMask> tiers = new TreeMap<>();
    private final NodeMask[] preferred;
    private final NodeMask[] allowed;
    private int topTierId;
    private final int[] rotor;
    private final MachineSpec spec;
    private final PhysicalMemory mem;
    private final Dispatcher dispatcher;
    private boolean established;

    public MemoryTiers(MachineSpec spec, PhysicalMemory mem, Dispatcher dispatcher) {
        this.spec = spec;
        this.mem = mem;
        this.dispatcher = dispatcher;
        int n = mem.nodeCount();
        adistance = new int[n];
        tierOf = new int[n];
        preferred = new NodeMask[n];
        allowed = new NodeMask[n];
        rotor = new int[n];
    }

    private void establish() {
        if (established) {
            return;
        }
        established = true;
        for (Node node : mem.nodes()) {
            place(node.nid());
        }
        recompute();
    }

    /** set_node_memory_tier: the node joins the tier of its abstract distance (a private node as its design says). */
    private void place(int nid) {
        tierOf[nid] = -1;
        Node node = mem.node(nid);
        if (node.presentPages() == 0) {
            return; // no memory online: in no tier
        }
        int override = spec.tiering().adistance(nid);
        adistance[nid] = override > 0 ? override : node.hasCpus() ? MEMTIER_ADISTANCE_DRAM : MEMTIER_DEFAULT_DAX_ADISTANCE;
        if (dispatcher != null && dispatcher.isPrivate(nid) && !dispatcher.memoryTier(nid)) {
            return;
        }
        int id = adistance[nid] >> MEMTIER_CHUNK_BITS;
        tierOf[nid] = id;
        tiers.merge(id, NodeMask.of(nid), NodeMask::or);
    }

    /** clear_node_memory_tier: the node leaves its tier; a tier left empty goes away. */
    private void clear(int nid) {
        int id = tierOf[nid];
        tierOf[nid] = -1;
        if (id < 0) {
            return;
        }
        NodeMask left = tiers.get(id).andNot(NodeMask.of(nid));
        if (left.isEmpty()) {
            tiers.remove(id);
        } else {
            tiers.put(id, left);
        }
    }

    /** The top tier boundary and establish_demotion_targets, for the tiers as they stand. */
    private void recompute() {
        int top = -1;
        for (var e : tiers.entrySet()) {
            for (int nid : e.getValue().toArray()) {
                if (mem.node(nid).hasCpus()) {
                    top = Math.max(top, e.getKey());
                }
            }
        }
        topTierId = top;
        establishDemotionTargets(spec);
    }

    /**
     * The memory_tier hotplug notifier at MEM_ONLINE of node {@code nid}'s memory: the node is
     * placed by its abstract distance (asking the design again for a private node: its driver may
     * have registered other opt-ins) and the demotion targets of every node are established
     * again. Before the tiers were first consulted there is nothing to redo: they are placed as
     * the nodes stand when they are.
     */
    public void memoryOnline(int nid) {
        if (!established) {
            return;
        }
        clear(nid);
        place(nid);
        recompute();
    }

    /** The notifier at MEM_OFFLINE: the node leaves its tier and every demotion target is recomputed. */
    public void memoryOffline(int nid) {
        if (!established) {
            return;
        }
        clear(nid);
        recompute();
    }

    private void establishDemotionTargets(MachineSpec spec) {
        List<Integer> ids = new ArrayList<>(tiers.keySet());
        for (int nid = 0; nid < tierOf.length; nid++) {
            preferred[nid] = NodeMask.NONE;
            allowed[nid] = NodeMask.NONE;
            int t = tierOf[nid];
            int idx = ids.indexOf(t);
            if (t < 0 || idx == ids.size() - 1) {
                continue;
            }
            NodeMask lower = tiers.get(ids.get(idx + 1));
            int best = Integer.MAX_VALUE;
            for (int cand : lower.toArray()) {
                best = Math.min(best, spec.distance(nid, cand));
            }
            NodeMask pref = NodeMask.NONE;
            for (int cand : lower.toArray()) {
                if (spec.distance(nid, cand) == best) {
                    pref = pref.with(cand);
                }
            }
            preferred[nid] = pref;
            NodeMask all = NodeMask.NONE;
            for (int i = idx + 1; i < ids.size(); i++) {
                all = all.or(tiers.get(ids.get(i)));
            }
            allowed[nid] = all;
        }
    }

    public int adistance(int nid) {
        establish();
        return adistance[nid];
    }

    /** The node's memory_tier id, or -1. */
    public int tierOf(int nid) {
        establish();
        return tierOf[nid];
    }

    /** node_is_toptier: in the top tier or faster, or in no tier at all. */
    public boolean isTopTier(int nid) {
        establish();
        return tierOf[nid] < 0 || topTierId < 0 || tierOf[nid] <= topTierId;
    }

    public NodeMask preferred(int nid) {
        establish();
        return preferred[nid];
    }

    /** node_get_allowed_targets: every node of every lower tier. */
    public NodeMask allowed(int nid) {
        establish();
        return allowed[nid];
    }

    /**
     * next_demotion_node: one of the preferred nodes, or -1. The kernel picks at random among
     * several; the model rotates through them so runs are reproducible.
     */
    public int nextDemotionNode(int nid) {
        establish();
        int[] p = preferred[nid].toArray();
        if (p.length == 0) {
            return -1;
        }
        return p[rotor[nid]++ % p.length];
    }

    /**
     * The nearest (SLIT distance, then lowest nid) ordinary node of the top tier, where a device's
     * nominated hot page goes (v5 CRAM: "the nearest DRAM node"); -1 when there is none.
     */
    public int nearestTopTier(int nid) {
        establish();
        int[][] d = spec.distance();
        int best = -1;
        for (Node node : mem.nodes()) {
            int n = node.nid();
            boolean ordinary = dispatcher == null || !dispatcher.isPrivate(n);
            if (n == nid || !ordinary || tierOf[n] < 0 || tierOf[n] > topTierId) {
                continue;
            }
            if (best < 0 || d[nid][n] < d[nid][best]) {
                best = n;
            }
        }
        return best;
    }

    /** /sys/devices/virtual/memory_tiering and the boot log's demotion targets, as text. */
    public String text(boolean demotionEnabled) {
        establish();
        StringBuilder sb = new StringBuilder();
        for (var e : tiers.entrySet()) {
            sb.append("memory_tier").append(e.getKey()).append("/nodelist: ")
                    .append(NodeMask.formatList(e.getValue().toArray())).append('\n');
        }
        for (int nid = 0; nid < tierOf.length; nid++) {
            if (tierOf[nid] < 0) {
                continue;
            }
            sb.append("Demotion targets for Node ").append(nid).append(": ");
            if (preferred[nid].isEmpty()) {
                sb.append("null\n");
            } else {
                sb.append("preferred: ").append(NodeMask.formatList(preferred[nid].toArray()))
                        .append(", fallback: ").append(NodeMask.formatList(allowed[nid].toArray())).append('\n');
            }
        }
        NodeMask top = NodeMask.NONE;
        for (int nid = 0; nid < tierOf.length; nid++) {
            if (tierOf[nid] >= 0 && isTopTier(nid)) {
                top = top.with(nid);
            }
        }
        sb.append("toptier nodes: ").append(NodeMask.formatList(top.toArray())).append('\n');
        sb.append("/sys/kernel/mm/numa/demotion_enabled: ").append(demotionEnabled).append('\n');
        return sb.toString();
    }
}
