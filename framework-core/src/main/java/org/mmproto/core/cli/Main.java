package org.mmproto.core.cli;

import java.util.ServiceLoader;

import org.mmproto.core.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mmproto}: the command line. */
@Command(name = "mmproto", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "Prototype private memory node policies for Linux mm before writing",
            "kernel code: run one workload (a scenario) under each design of the",
            "private-nodes thread (ops-struct, gfp-flag, buddy-veto, fallback-only,",
            "memalloc-scope, zonelist-private) and the unpatched kernel, with device",
            "drivers loaded as plugin jars, and compare where the designs differ and",
            "which keep the nodes private.",
            "",
            "The engine simulates a NUMA machine as Linux 6.12 runs it: nodes and",
            "SLIT distances, zones, the buddy allocator with pageblock migratetypes",
            "and per-CPU lists, watermarks, zonelists, tasks, faults, mempolicy and",
            "the NUMA syscalls, and prints what the kernel would print",
            "(/proc/vmstat, buddyinfo, pagetypeinfo, numa_maps, numactl --hardware).",
            "",
            "A MACHINE is a YAML machine file, a bundled machine name (default,",
            "private-cxl, private-normal, single, asymmetric-cxl), or the text that",
            "'numactl --hardware' printed on a real box.",
            ""},
        subcommands = {TopoCommand.class, StressCommand.class, BenchCommand.class, RunCommand.class,
            PluginsCommand.class, CompareCommand.class, DesignsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
            "  ./mmproto topo                      the bundled default machine",
            "  numactl --hardware > my.txt && ./mmproto topo my.txt",
            "  ./mmproto stress --ops 200000 --seed 7",
            "  ./mmproto stress --machine single --ops 20000 --check",
            "  ./mmproto bench faults --size 1GiB --rounds 5 --policy interleave:0-1",
            "  ./mmproto compare private-node-audit   one workload under every design",
            "  ./mmproto run                       the default scenario (scenarios/)"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    LoggingOptions logging = new LoggingOptions();

    public static void main(String[] args) {
        // Guice's own switch: no bytecode generation (the engine uses no method interception), so
        // no sun.misc.Unsafe call and no JDK 24+ warning from its HiddenClassDefiner
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int execute(String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionStrategy(parsed -> {
            main.logging.apply();
            return new CommandLine.RunLast().execute(parsed);
        });
        for (CommandExtension e : ServiceLoader.load(CommandExtension.class, Main.class.getClassLoader())) {
            cl.addSubcommand(e.name(), e.command());
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof ConfigException || ex instanceof IllegalArgumentException) {
                line.getErr().println("mmproto: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mmproto " + (v == null ? "dev" : v) + " (Linux 6.12 mm semantics)"};
        }
    }
}
