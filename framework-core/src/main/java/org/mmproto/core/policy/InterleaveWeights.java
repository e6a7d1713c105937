package org.mmproto.core.policy;

/**
 * The weighted-interleave table, {@code /sys/kernel/mm/mempolicy/weighted_interleave/nodeN}: one
 * weight (0-255) per node; 0 and "never set" both mean the system default, 1. One per kernel.
 */
public final class InterleaveWeights {
    private final int[] table;

    public InterleaveWeights(int nodeCount) {
        this.table = new int[nodeCount];
    }

    /** get_il_weight: the weight interleaving uses for {@code nid}. */
    public int weight(int nid) {
        int w = nid >= 0 && nid < table.length ? table[nid] : 0;
        return w == 0 ? 1 : w;
    }

    /** Writes nodeN; 0 restores the default. */
    public void set(int nid, int weight) {
        if (nid < 0 || nid >= table.length) {
            throw new IllegalArgumentException("node " + nid + " does not exist (nodes 0-" + (table.length - 1) + ")");
        }
        if (weight < 0 || weight > 255) {
            throw new IllegalArgumentException("interleave weight " + weight + " for node " + nid + " outside 0-255");
        }
        table[nid] = weight;
    }

    /** The value written for {@code nid} (0 = default). */
    public int raw(int nid) {
        return table[nid];
    }
}
