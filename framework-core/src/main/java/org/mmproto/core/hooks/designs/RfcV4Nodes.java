package org.mmproto.core.hooks.designs;

import org.mmproto.api.design.CpusetMems;
import org.mmproto.api.design.NodeZonelists;

/**
 * The node infrastructure of the RFC v4 series, which the April branch and the June scope idea
 * build on: a private node is N_MEMORY_PRIVATE, not N_MEMORY (patch 1); it is in no other node's
 * fallback list and first in its own, then the N_MEMORY nodes (patch 4); cpusets carry it in
 * mems_allowed as N_MEMORY_PRIVATE, or userland access is blanket-denied (patch 17).
 */
abstract class RfcV4Nodes extends Unpatched {
    @Override
    public boolean inNMemory(int nid) {
        return false;
    }

    @Override
    public NodeZonelists zonelists(int nid) {
        return NodeZonelists.OWN_LISTS_ONLY;
    }

    @Override
    public CpusetMems cpusetMems(int nid) {
        return CpusetMems.AS_N_MEMORY_PRIVATE;
    }
}
