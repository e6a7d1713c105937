package org.mmproto.core.probe;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;
import org.mmproto.core.trace.Tracer;

/**
 * kprobe-style probes on engine methods: {@code --probe 'pkg.Class#method'} or a kernel
 * function's name from {@link #FRIENDLY}, attached at run time by Byte Buddy advice through a
 * self-attached agent (only when probes are asked for; no engine source changes), counted in
 * {@link ProbeStats}, detached (the original code restored) by {@link #close}.
 */
public final class Probes implements AutoCloseable {
    /** Kernel function names and the engine method that plays each. */
    public static final Map<String, String> FRIENDLY = friendly();

    private final List<String> targets;
    private final ResettableClassFileTransformer transformer;
    private final Instrumentation inst;

    private Probes(List<String> targets, Instrumentation inst, ResettableClassFileTransformer t) {
        this.targets = targets;
        this.inst = inst;
        this.transformer = t;
    }

    private static Map<String, String> friendly() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("__alloc_pages", "org.mmproto.core.mm.PageAllocator#allocPages");
        m.put("rmqueue", "org.mmproto.core.mm.Buddy#rmqueue");
        m.put("__free_pages", "org.mmproto.core.mm.PageAllocator#freePages");
        m.put("free_unref_folios", "org.mmproto.core.mm.FolioRelease#folioPutRefs");
        m.put("handle_mm_fault", "org.mmproto.core.task.FaultHandler#handle");
        m.put("migrate_pages", "org.mmproto.core.migrate.Migration#migrate");
        m.put("migrate_folio", "org.mmproto.core.migrate.FolioMove#move");
        m.put("try_to_free_pages", "org.mmproto.core.reclaim.Reclaim#directReclaim");
        m.put("shrink_node", "org.mmproto.core.reclaim.Vmscan#shrinkNode");
        m.put("balance_pgdat", "org.mmproto.core.reclaim.Kswapd#run");
        m.put("compact_zone", "org.mmproto.core.compaction.CompactControl#run");
        return Map.copyOf(m);
    }

    /** Resolves a --probe value: a friendly name or Class#method (the class must exist). */
    public static String resolve(String spec) {
        String target = FRIENDLY.getOrDefault(spec.strip(), spec.strip());
        int hash = target.indexOf('#');
        if (hash <= 0 || hash == target.length() - 1) {
            throw new IllegalArgumentException("--probe '" + spec + "': expected Class#method or one of "
                    + String.join(", ", new java.util.TreeSet<>(FRIENDLY.keySet())));
        }
        try {
            Class<?> c = Class.forName(target.substring(0, hash), false, Probes.class.getClassLoader());
            String m = target.substring(hash + 1);
            boolean any = false;
            for (var dm : c.getDeclaredMethods()) {
                any |= dm.getName().equals(m);
            }
            if (!any) {
                throw new IllegalArgumentException("--probe '" + spec + "': " + c.getName() + " has no method " + m);
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("--probe '" + spec + "': no class " + target.substring(0, hash));
        }
        return target;
    }

    /** Attaches counting probes only (no capture); see {@link #attach(List, Tracer)}. */
    public static Probes attach(List<String> specs) {
        return attach(specs, Tracer.OFF);
    }

    /**
     * Attaches the agent (self-attach) and the advice to every target; counts start at zero. A
     * spec {@code TARGET:args}, {@code TARGET:ret} or {@code TARGET:args,ret} also records the
     * arguments / return values into {@code tracer} (kprobes:probe and kprobes:retprobe events).
     */
    public static Probes attach(List<String> specs, Tracer tracer) {
        List<String> targets = new ArrayList<>();
        Set<String> capturing = new HashSet<>();
        ProbeStats.clear();
        for (String s : specs) {
            int colon = s.indexOf(':');
            String target = resolve(colon < 0 ? s : s.substring(0, colon));
            targets.add(target);
            if (colon >= 0) {
                boolean args = false;
                boolean ret = false;
                for (String f : s.substring(colon + 1).split(",")) {
                    switch (f.strip()) {
                        case "args" -> args = true;
                        case "ret" -> ret = true;
                        default -> throw new IllegalArgumentException("--probe '" + s + "': after ':' expected args,"
                                + " ret or args,ret, not '" + f.strip() + "'");
                    }
                }
                capturing.add(target);
                ProbeStats.capture(target, new ProbeCapture(nameOf(target), args, ret, tracer));
            }
        }
        Instrumentation inst = ByteBuddyAgent.install();
        AgentBuilder b = new AgentBuilder.Default().disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE);
        for (String t : targets) {
            int hash = t.indexOf('#');
            String type = t.substring(0, hash);
            String method = t.substring(hash + 1);
            b = b.type(ElementMatchers.named(type)).transform((builder, td, cl, module, pd) ->
                    builder.visit(Advice.to(capturing.contains(t) ? ProbeCaptureAdvice.class : ProbeAdvice.class).on(ElementMatchers.named(method)
                            .and(ElementMatchers.not(ElementMatchers.isAbstract())))));
        }
        return new Probes(List.copyOf(targets), inst, b.installOn(inst));
    }

    /** The friendly (kernel) name of an engine method, else its simple Class.method. */
    static String nameOf(String target) {
        for (Map.Entry<String, String> e : FRIENDLY.entrySet()) {
            if (e.getValue().equals(target)) {
                return e.getKey();
            }
        }
        String simple = target.substring(target.lastIndexOf('.') + 1);
        return simple.replace('#', '.');
    }

    /** The probed methods. */
    public List<String> targets() {
        return targets;
    }

    /** The report: per probe its calls and the latency histogram (ns, log2 buckets), as perf prints it. */
    public void report(PrintStream out) {
        Map<String, long[]> snap = ProbeStats.snapshot();
        for (String t : targets) {
            long[] v = snap.getOrDefault(t, new long[ProbeStats.BUCKETS + 1]);
            out.println("probe " + t + ": " + v[ProbeStats.BUCKETS] + " calls");
            for (int b = 0; b < ProbeStats.BUCKETS; b++) {
                if (v[b] > 0) {
                    out.printf("  %12d - %-12d ns : %d%n", 1L << b, (1L << (b + 1)) - 1, v[b]);
                }
            }
        }
    }

    @Override
    public void close() {
        transformer.reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
        ProbeStats.uncapture();
    }
}
