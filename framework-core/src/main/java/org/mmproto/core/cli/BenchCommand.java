package org.mmproto.core.cli;

import picocli.CommandLine.Command;

/** {@code mmproto bench}: the loops a kernel developer runs on a real box, run in the simulator. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        header = "Micro-benchmarks of the simulated mm (bench faults).",
        description = {"Micro-benchmarks of the simulated mm, reported like their real-kernel", "counterparts.", ""},
        subcommands = {BenchFaultsCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
