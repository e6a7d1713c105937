package org.mmproto.core.machine;

import java.util.List;
import java.util.OptionalLong;

/**
 * One NUMA node as the firmware and the command line describe it.
 *
 * @param nid           node id
 * @param sizeBytes     memory in bytes (0 = memoryless node: CPUs, no memory); a page multiple
 * @param cpus          CPU ids on this node (empty for a CPU-less node such as CXL memory)
 * @param isPrivate     an N_MEMORY_PRIVATE node: in no other node's zonelist, reached only by name
 * @param movableBytes  the top of the node's memory placed in ZONE_MOVABLE ({@code movable_node}
 *                      style split); equal to sizeBytes when the memory is onlined movable
 * @param startAddress  physical base address; empty = right after the previous node
 * @param line          line in the source file (0 when built in code), for later errors
 * @param unplugged     {@code online: none}: the memory is present (its range and memmap exist)
 *                      but not onlined at boot; memory hotplug onlines it into ZONE_MOVABLE or
 *                      ZONE_NORMAL later (mm/MemoryOnline)
 */
public record NodeSpec(int nid, long sizeBytes, List<Integer> cpus, boolean isPrivate,
                       long movableBytes, OptionalLong startAddress, int line, boolean unplugged) {
    public NodeSpec {
        cpus = List.copyOf(cpus);
    }

    /** A node whose memory is onlined at boot. */
    public NodeSpec(int nid, long sizeBytes, List<Integer> cpus, boolean isPrivate,
                    long movableBytes, OptionalLong startAddress, int line) {
        this(nid, sizeBytes, cpus, isPrivate, movableBytes, startAddress, line, false);
    }

    public boolean hasMemory() {
        return sizeBytes > 0;
    }

    public boolean hasCpus() {
        return !cpus.isEmpty();
    }

    /**
     * Online as Linux onlines a node: when it has memory or cpus. A node with neither is a node id
     * the machine does not have (numactl text with sparse ids such as 0,2 leaves 1 so).
     */
    public boolean online() {
        return hasMemory() || hasCpus();
    }
}
