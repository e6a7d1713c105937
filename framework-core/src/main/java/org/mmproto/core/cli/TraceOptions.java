package org.mmproto.core.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.probe.Probes;
import org.mmproto.core.trace.EventFilter;
import org.mmproto.core.trace.FtraceText;
import org.mmproto.core.trace.Log;
import org.mmproto.core.trace.PerfettoJson;
import org.mmproto.core.trace.TraceSink;
import org.mmproto.core.trace.Tracer;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --trace}, {@code --trace-format}, {@code --events} and {@code --fail} of {@code run}. */
final class TraceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write the run's tracepoints: ftrace text (the trace file's lines), or Chrome/Perfetto"
                    + " trace JSON for a FILE ending in .json (opens in ui.perfetto.dev).")
    Path trace;

    @Option(names = "--trace-format", paramLabel = "ftrace|perfetto",
            description = "Format of --trace regardless of its extension.")
    String traceFormat;

    @Option(names = "--events", paramLabel = "SPEC", defaultValue = "*:*",
            description = "Which tracepoints fire, as set_event takes them: 'kmem:*,migrate:*', 'kmem' (a bare"
                    + " system: all its events), 'mm_page_alloc' (a bare event), 'kmem,!kmem:mm_page_free' ('!'"
                    + " disables; left to right) (default: all); the systems are kmem, migrate, vmscan, compaction,"
                    + " huge_memory, kprobes and private (README: the tracepoints).")
    String events;

    @Option(names = "--fail", paramLabel = "SPEC",
            description = "Inject faults at named engine points, as the kernel's fail_page_alloc and failslab"
                    + " do. SPEC is POINT[:ATTR=V,...], several joined with ';' or given as more --fail options."
                    + " POINT is page_alloc (ENOMEM, never for __GFP_NOFAIL), migrate_target (get_new_folio"
                    + " returns NULL), migrate_copy (the copy fails and the folio stays), swap_write (the folio"
                    + " stays mapped and is activated) or driver_hook (mode=throw or null: the hook fails before"
                    + " the driver sees the call; hang: the driver's hook runs, then the call overruns the budget,"
                    + " the engine uses the fallback and quarantines the driver). ATTR, with the kernel's debugfs"
                    + " defaults in (): probability= percent (0: nothing fails until it is set), interval= N (1),"
                    + " times= N (1; -1 no limit), space= pages the calls use up before any fails (0), the task"
                    + " filters pid= N and task= COMM, nid= N, gfp= flags or 0xMASK the call must all have,"
                    + " page_alloc only: min_order= N (1), ignore_gfp_wait= Y|N (Y: sleeping allocations never"
                    + " fail), ignore_gfp_highmem= Y|N (Y: user/highmem allocations never fail); driver_hook only:"
                    + " hook=NAME[,NAME...] (only these hooks, e.g. hook=alloc_veto,migrate_to; default every"
                    + " hook), mode= throw, null or hang. E.g. 'page_alloc:probability=10,times=-1,min_order=0,"
                    + "ignore_gfp_wait=N,ignore_gfp_highmem=N'. Every injected fault is listed on stderr"
                    + " and the invariants are checked after each step that injected one.")
    List<String> fail = new ArrayList<>();

    @Option(names = "--probe", paramLabel = "CLASS#METHOD|NAME",
            description = "Count calls and time them (a latency histogram on stderr after the run) with Byte Buddy"
                    + " advice attached at run time (a self-attached agent; nothing is instrumented without --probe). " + "NAME: __alloc_pages, rmqueue, __free_pages, free_unref_folios, handle_mm_fault, migrate_pages,"
                    + " migrate_folio, try_to_free_pages, shrink_node, balance_pgdat, compact_zone. A suffix :args, :ret or"
                    + " :args,ret (e.g. 'rmqueue:args,ret') also writes each call's arguments (arg1=..) and return"
                    + " value (ret=..) into --trace as kprobes:probe / kprobes:retprobe lines.")
    List<String> probe = new ArrayList<>();

    @Option(names = "--fail-seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the fault-injection decisions (default: ${DEFAULT-VALUE}).")
    long failSeed;

    private TraceSink sink;
    private Probes probes;

    /** Attaches the --probe advice (before the run); nothing without --probe. */
    void attachProbes(Tracer tracer) {
        if (probe.isEmpty()) {
            return;
        }
        try {
            probes = Probes.attach(probe, tracer);
            Log.TRACE.logger().info("probes attached: {}", String.join(", ", probe));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The run's tracer (OFF without --trace); opens the file. */
    Tracer tracer() {
        if (trace == null) {
            if (traceFormat != null || !"*:*".equals(events)) {
                throw new ParameterException(spec.commandLine(), "--trace-format and --events need --trace FILE");
            }
            return Tracer.OFF;
        }
        EventFilter filter;
        try {
            filter = EventFilter.parse(events);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String format = traceFormat != null ? traceFormat.toLowerCase(Locale.ROOT)
                : trace.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json") ? "perfetto" : "ftrace";
        if (!format.equals("ftrace") && !format.equals("perfetto")) {
            throw new ParameterException(spec.commandLine(), "--trace-format " + traceFormat
                    + ": expected ftrace or perfetto");
        }
        Writer w;
        try {
            w = Files.newBufferedWriter(trace, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--trace " + trace + ": cannot write: " + e.getMessage());
        }
        sink = switch (format) {
            case "perfetto" -> new PerfettoJson(w);
            default -> new FtraceText(w);
        };
        Tracer t = new Tracer(filter, sink);
        Log.TRACE.logger().info("{} tracepoints to {} ({})", t.enabled().size(), trace, format);
        return t;
    }

    /** The run's fault injector (OFF without --fail). */
    FaultInjector faults() {
        try {
            return FaultInjector.parse(fail, failSeed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Closes the trace file and lists every injected fault on {@code err}. */
    void finish(Tracer tracer, FaultInjector faults, PrintStream err) {
        if (probes != null) {
            probes.report(err);
            probes.close();
            probes = null;
        }
        if (sink != null) {
            try {
                sink.close();
            } catch (UncheckedIOException e) {
                err.println("mmproto: " + e.getMessage() + ": " + e.getCause().getMessage());
            }
            err.println("mmproto: " + tracer.fired() + " trace events written to " + trace);
        }
        if (faults.active()) {
            if (!LoggingOptions.onStderr(Log.FAULT_INJECT, org.slf4j.event.Level.INFO)) { // else -v showed each already
                faults.injected().forEach(f -> err.println("mmproto: " + f));
            }
            var rest = faults.notRecorded();
            if (!rest.isEmpty()) {
                err.println("mmproto: " + rest.values().stream().mapToLong(Long::longValue).sum()
                        + " more faults not listed (only the first " + FaultInjector.RECORDS + " are kept): "
                        + rest.entrySet().stream().map(e -> e.getKey().key() + " " + e.getValue())
                                .collect(java.util.stream.Collectors.joining(", ")));
            }
            err.println("mmproto: " + faults.injectedCount() + " faults injected");
        }
    }
}
