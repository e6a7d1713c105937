package org.mmproto.core.cli;

import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;

/** How a command turns its MACHINE argument into a spec. */
final class MachineLoading {
    /** The {@code --machine} option of the commands that boot one machine. */
    static final class Option {
        @picocli.CommandLine.Option(names = "--machine", paramLabel = "MACHINE", defaultValue = DEFAULT,
                description = "Machine file, bundled name, or numactl --hardware text (default: ${DEFAULT-VALUE}).")
        String machine;

        MachineSpec load() {
            return MachineLoading.load(machine);
        }
    }

    static final String DEFAULT = "default";

    private MachineLoading() {
    }

    static MachineSpec load(String arg) {
        return MachineFiles.resolve(arg == null ? DEFAULT : arg);
    }
}
