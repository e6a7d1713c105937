package org.mmproto.core.machine;

import java.util.BitSet;

import org.mmproto.api.NodeMask;

/** Limits and checks shared by the machine file formats. Messages say what is expected. */
final class MachineRules {
    /** x86-64 base page. */
    static final long PAGE_SIZE = 4096;
    /** CONFIG_NR_CPUS tops out at 8192 on x86-64 (MAXSMP). */
    static final int MAX_CPU_ID = 8191;
    /** x86-64 MAX_PHYSMEM_BITS with 5-level paging. */
    static final int MAX_PHYSMEM_BITS = 52;
    static final long MAX_PHYS_ADDR = 1L << MAX_PHYSMEM_BITS;
    /** LOCAL_DISTANCE and REMOTE_DISTANCE from include/linux/topology.h. */
    static final int LOCAL_DISTANCE = 10;
    static final int REMOTE_DISTANCE = 20;
    /** SLIT entries are one byte. */
    static final int MAX_DISTANCE = 255;

    private MachineRules() {
    }

    /** 10 on the diagonal, 20 elsewhere (what the kernel assumes without a SLIT). */
    static int[][] defaultDistances(int n) {
        int[][] d = new int[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i][j] = i == j ? LOCAL_DISTANCE : REMOTE_DISTANCE;
            }
        }
        return d;
    }

    /**
     * Why {@code distance[from][to] = d} is invalid, or null. Asymmetric tables are legal (real
     * firmware reports them), so only the entry itself is judged.
     */
    static String distanceProblem(int from, int to, int d) {
        if (from == to && d != LOCAL_DISTANCE) {
            return "distance from node " + from + " to itself is " + d + "; the local distance"
                    + " must be " + LOCAL_DISTANCE;
        }
        if (from != to && (d <= LOCAL_DISTANCE || d > MAX_DISTANCE)) {
            return "distance from node " + from + " to node " + to + " is " + d + "; a remote"
                    + " distance must be " + (LOCAL_DISTANCE + 1) + ".." + MAX_DISTANCE
                    + " (more than the local " + LOCAL_DISTANCE + ")";
        }
        return null;
    }

    /**
     * The highest nid a private node may have: the engine keeps its once-per-call private-node
     * state (the gate and hand-out memo, consent, a pending migration target) in 64-bit masks.
     */
    static final int MAX_PRIVATE_NID = 63;

    static String privateNidTooHigh(int nid) {
        return "node " + nid + " is private, but private nodes must have nid 0-" + MAX_PRIVATE_NID
                + " (the engine's per-call private-node state is a 64-bit mask); renumber the private nodes";
    }

    static String tooManyNodes(int n) {
        return n + " nodes is more than MAX_NUMNODES (" + NodeMask.MAX_NUMNODES + ")";
    }

    static String neitherMemoryNorCpus(int nid) {
        return "node " + nid + " has neither memory nor cpus; expected a size > 0, cpus, or both"
                + " (a memoryless node needs cpus)";
    }

    /**
     * A cpu list ({@code 0-3,8}); a cpu given twice is an error, not merged, because a pasted or
     * hand-edited list with a repeat is more likely a typo than intended.
     */
    static int[] cpuList(String text) {
        BitSet seen = new BitSet();
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return new int[0];
        }
        for (String part : t.split(",")) {
            for (int cpu : NodeMask.parseList(part, MAX_CPU_ID)) {
                if (seen.get(cpu)) {
                    throw new IllegalArgumentException(duplicateCpu(cpu));
                }
                seen.set(cpu);
            }
        }
        return seen.stream().toArray();
    }

    static String duplicateCpu(int cpu) {
        return "cpu " + cpu + " is listed twice; expected each cpu once";
    }

    /** Linux cannot boot without a CPU: some node must have one. */
    static String noCpus() {
        return "no node has a cpu; Linux needs at least one cpu (give some node cpus: 0)";
    }

    static String cpuOnTwoNodes(int cpu, int firstNid, int nid) {
        return "cpu " + cpu + " is listed on node " + firstNid + " and on node " + nid
                + "; each cpu belongs to one node";
    }
}
