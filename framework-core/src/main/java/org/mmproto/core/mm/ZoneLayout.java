package org.mmproto.core.mm;

import java.util.List;
import org.mmproto.api.ZoneType;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;

/**
 * Places each node's memory in the physical address space and cuts it into zones as x86-64
 * does: ZONE_DMA below 16 MiB, ZONE_DMA32 below 4 GiB, ZONE_NORMAL above; ZONE_MOVABLE takes the
 * top of a node's ZONE_NORMAL range (per-node {@code movable}/{@code online: movable}, or
 * {@code movablecore=} spread over nodes like find_zone_movable_pfns_for_nodes).
 */
final class ZoneLayout {
    static final int PAGE_SHIFT = 12;
    static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    static final long MAX_DMA_PFN = (16L << 20) >> PAGE_SHIFT;
    static final long MAX_DMA32_PFN = (4L << 30) >> PAGE_SHIFT;
    private static final long MAX_ORDER_NR_PAGES = 1L << Zone.MAX_PAGE_ORDER;

    /** ranges[nid][zone] = {startPfn, endPfn}. */
    final long[][][] ranges;
    final long[] nodeStartPfn;
    final long[] nodeEndPfn;

    private ZoneLayout(int n) {
        ranges = new long[n][ZoneType.MAX_NR_ZONES][2];
        nodeStartPfn = new long[n];
        nodeEndPfn = new long[n];
    }

    static ZoneLayout of(MachineSpec spec) {
        List<NodeSpec> nodes = spec.nodes();
        ZoneLayout l = new ZoneLayout(nodes.size());
        long cursor = 0;
        for (NodeSpec ns : nodes) {
            long start = ns.startAddress().isPresent() ? ns.startAddress().getAsLong() >> PAGE_SHIFT : cursor;
            long end = start + (ns.sizeBytes() >> PAGE_SHIFT);
            l.nodeStartPfn[ns.nid()] = start;
            l.nodeEndPfn[ns.nid()] = end;
            if (end > cursor) {
                cursor = end;
            }
        }
        long[] movableStart = l.movableStarts(spec);
        for (NodeSpec ns : nodes) {
            int nid = ns.nid();
            long s = l.nodeStartPfn[nid];
            long e = l.nodeEndPfn[nid];
            if (ns.unplugged()) {
                // not onlined: ZONE_NORMAL and ZONE_MOVABLE could each take the whole range (x86-64
                // onlines hot-plugged memory into ZONE_NORMAL whatever its address); MemoryOnline
                // gives it to one of them at a time
                l.set(nid, ZoneType.DMA, s, s);
                l.set(nid, ZoneType.DMA32, s, s);
                l.set(nid, ZoneType.NORMAL, s, e);
                l.set(nid, ZoneType.MOVABLE, s, e);
                continue;
            }
            long mv = Math.max(movableStart[nid], s);
            l.set(nid, ZoneType.DMA, s, Math.min(e, MAX_DMA_PFN));
            l.set(nid, ZoneType.DMA32, Math.max(s, MAX_DMA_PFN), Math.min(e, MAX_DMA32_PFN));
            l.set(nid, ZoneType.NORMAL, Math.max(s, MAX_DMA32_PFN), Math.min(e, mv));
            l.set(nid, ZoneType.MOVABLE, Math.max(mv, s), e);
        }
        return l;
    }

    private void set(int nid, ZoneType t, long start, long end) {
        ranges[nid][t.ordinal()][0] = start;
        ranges[nid][t.ordinal()][1] = Math.max(start, end);
    }

    /** First pfn of ZONE_MOVABLE per node; nodeEnd when the node has none. */
    private long[] movableStarts(MachineSpec spec) {
        int n = spec.nodeCount();
        long[] mv = new long[n];
        for (NodeSpec ns : spec.nodes()) {
            mv[ns.nid()] = nodeEndPfn[ns.nid()];
        }
        long movablecore = spec.vm().movablecoreBytes() >> PAGE_SHIFT;
        if (movablecore > 0) {
            spreadMovablecore(spec, movablecore, mv);
        }
        for (NodeSpec ns : spec.nodes()) {
            int nid = ns.nid();
            long movablePages = ns.movableBytes() >> PAGE_SHIFT;
            if (movablePages == 0) {
                continue;
            }
            long normalStart = Math.max(nodeStartPfn[nid], MAX_DMA32_PFN);
            long normalPages = Math.max(0, nodeEndPfn[nid] - normalStart);
            if (movablePages > normalPages) {
                throw new ConfigException(spec.source(), ns.line(), 0, "node " + nid + ": ZONE_MOVABLE of "
                        + (movablePages << PAGE_SHIFT >> 20) + " MiB exceeds the node's memory above 4 GiB ("
                        + (normalPages << PAGE_SHIFT >> 20) + " MiB): ZONE_MOVABLE only takes from ZONE_NORMAL's range");
            }
            mv[nid] = nodeEndPfn[nid] - movablePages;
        }
        return mv;
    }

    /**
     * movablecore=: the kernelcore (total minus movablecore) is spread evenly over the boot nodes
     * with memory; what is left of each node above 4 GiB becomes ZONE_MOVABLE, rounded up to
     * MAX_ORDER_NR_PAGES. Private and onlined-movable nodes are hot-plugged, not boot memory.
     */
    private void spreadMovablecore(MachineSpec spec, long movablecore, long[] mv) {
        List<NodeSpec> boot = spec.nodes().stream()
                .filter(ns -> ns.hasMemory() && !ns.isPrivate() && ns.movableBytes() == 0 && !ns.unplugged()).toList();
        long total = 0;
        for (NodeSpec ns : boot) {
            total += nodeEndPfn[ns.nid()] - nodeStartPfn[ns.nid()];
        }
        if (movablecore >= total) {
            throw new ConfigException(spec.source(), 0, 0, "vm.movablecore (" + (movablecore << PAGE_SHIFT >> 20)
                    + " MiB) leaves no kernel memory: the boot nodes have " + (total << PAGE_SHIFT >> 20) + " MiB");
        }
        long requiredKernelcore = total - movablecore;
        long[] zoneMovablePfn = new long[mv.length];
        int usableNodes = boot.size();
        while (true) {
            long kernelcoreNode = requiredKernelcore / usableNodes;
            for (NodeSpec ns : boot) {
                int nid = ns.nid();
                if (requiredKernelcore < kernelcoreNode) {
                    kernelcoreNode = requiredKernelcore / usableNodes;
                }
                long kernelcoreRemaining = kernelcoreNode;
                long start = Math.max(nodeStartPfn[nid], zoneMovablePfn[nid]);
                long end = nodeEndPfn[nid];
                if (start >= end) {
                    continue;
                }
                if (start < MAX_DMA32_PFN) {
                    long kernelPages = Math.min(end, MAX_DMA32_PFN) - start;
                    kernelcoreRemaining -= Math.min(kernelPages, kernelcoreRemaining);
                    requiredKernelcore -= Math.min(kernelPages, requiredKernelcore);
                    if (end <= MAX_DMA32_PFN) {
                        zoneMovablePfn[nid] = end;
                        continue;
                    }
                    start = MAX_DMA32_PFN;
                }
                long sizePages = Math.min(end - start, kernelcoreRemaining);
                zoneMovablePfn[nid] = start + sizePages;
                requiredKernelcore -= Math.min(requiredKernelcore, sizePages);
            }
            usableNodes--;
            if (usableNodes <= 0 || requiredKernelcore <= usableNodes) {
                break;
            }
        }
        for (NodeSpec ns : boot) {
            int nid = ns.nid();
            long z = zoneMovablePfn[nid];
            if (z == 0) {
                continue;
            }
            z = (z + MAX_ORDER_NR_PAGES - 1) & ~(MAX_ORDER_NR_PAGES - 1);
            if (z < nodeEndPfn[nid]) {
                mv[nid] = Math.max(z, Math.max(nodeStartPfn[nid], MAX_DMA32_PFN));
            }
        }
    }
}
