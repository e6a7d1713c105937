package org.mmproto.core.cli;

import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;

/** How a command turns its MACHINE argument into a spec. */
final class MachineLoading {
    static final String DEFAULT = "default";

    private MachineLoading() {
    }

    static MachineSpec load(String arg) {
        return MachineFiles.resolve(arg == null ? DEFAULT : arg);
    }
}
