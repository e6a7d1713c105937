package org.mmproto.conformance;

import java.util.List;
import org.mmproto.api.ZoneType;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;

/**
 * The machines the kit runs its workload on: two 2 GiB DRAM nodes with CPUs (so that node 2 lies
 * above 4 GiB, where ZONE_MOVABLE may take it) and private node
 * 2 (128 MiB, no CPUs), onlined normal in one and movable in the other, so that the zone rules
 * (longterm pins, a driver refusing a zone) are reached both ways.
 */
final class Machines {
    static final int PRIVATE_NID = 2;

    /** A named machine and the zone of its private node. */
    record Variant(String name, ZoneType zone, MachineSpec spec) {
    }

    private Machines() {
    }

    static List<Variant> all() {
        return List.of(variant("conform-normal", ZoneType.NORMAL), variant("conform-movable", ZoneType.MOVABLE));
    }

    private static Variant variant(String name, ZoneType zone) {
        String yaml = "name: " + name + "\n"
                + "nodes:\n"
                + "  - nid: 0\n    size: 2GiB\n    cpus: 0-1\n"
                + "  - nid: 1\n    size: 2GiB\n    cpus: 2-3\n"
                + "  - nid: 2\n    size: 128MiB\n    private: true\n"
                + (zone == ZoneType.MOVABLE ? "    online: movable\n" : "")
                + "distances:\n  - [10, 20, 30]\n  - [20, 10, 30]\n  - [30, 30, 10]\n";
        return new Variant(name, zone, MachineFiles.parse(yaml, name + ".yaml"));
    }
}
