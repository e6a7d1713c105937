package org.mmproto.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.mm.PhysicalMemory;

/**
 * How much Java heap the simulated memmap costs, and how large a machine boots.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.mmproto.bench.MemmapFootprint
 * </pre>
 *
 * <ol>
 *   <li>Boots a 64 GiB machine in this JVM and reports {@code mem.bytesPerPage()} (the engine's
 *       own count) and the heap growth across boot, measured with {@code Runtime} after
 *       {@code System.gc()}, per 4 KiB page.</li>
 *   <li>Boots doubling machine sizes (64 GiB, 128 GiB, ... 32 TiB, as 4 equal nodes since one
 *       zone is capped at 2^31-1 pages = 8 TiB), each in a fresh child JVM started with this JVM's
 *       own heap options (none given = the default max heap, 1/4 of RAM), until one throws
 *       OutOfMemoryError; the largest that booted is the answer.</li>
 *   <li>Boots a 1 TiB machine in a child JVM started with {@code -Xmx8g}.</li>
 * </ol>
 *
 * {@code --boot BYTES NODES} is the child's mode: boot once, print one {@code RESULT} line, exit
 * 0 (booted) or 3 (OutOfMemoryError).
 */
public final class MemmapFootprint {
    static final long PAGE = 4096;
    static final int NODES = 4;
    static final int EXIT_OOM = 3;

    private MemmapFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--boot")) {
            System.exit(bootOnce(Long.parseLong(args[1]), Integer.parseInt(args[2])));
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("JVM: %s %s (%s), %d CPUs, heap options %s%n", System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"),
                rt.availableProcessors(), heapOptions());
        System.out.printf("Runtime.maxMemory() = %d bytes (%.2f GiB)%n%n", rt.maxMemory(), rt.maxMemory() / (double) BenchMachines.GiB);

        // 1. bytes per page, 64 GiB machine, in this JVM
        long size = 64 * BenchMachines.GiB;
        long before = usedAfterGc();
        PhysicalMemory mem = PhysicalMemory.boot(BenchMachines.equalNodes("footprint", size, NODES));
        long after = usedAfterGc();
        long pages = mem.totalManagedPages();
        System.out.printf("64 GiB machine (%d nodes, %d pages of 4 KiB):%n", NODES, pages);
        System.out.printf("  mem.memmapBytes()  = %d bytes, mem.bytesPerPage() = %.3f bytes/page%n",
                mem.memmapBytes(), mem.bytesPerPage());
        System.out.printf("  heap used after GC = %d -> %d bytes, growth %d = %.3f bytes/page%n%n",
                before, after, after - before, (after - before) / (double) pages);
        mem = null; // the search below runs in child JVMs; let this machine go

        // 2. doubling search in child JVMs with this JVM's heap settings
        List<String> inherited = heapOptions();
        System.out.printf("Doubling search, %d equal nodes, child JVMs with heap options %s:%n", NODES, inherited);
        long largest = 0;
        for (long s = 64 * BenchMachines.GiB; s <= 32 * BenchMachines.TiB; s *= 2) {
            Child c = runChild(inherited, s, NODES);
            System.out.printf("  %-8s %s%n", BenchMachines.human(s), c.line);
            if (c.exit == 0) {
                largest = s;
            } else {
                break;
            }
        }
        System.out.printf("Largest machine booted (doubling) with Runtime.maxMemory() = %.2f GiB: %s%n%n",
                rt.maxMemory() / (double) BenchMachines.GiB, largest == 0 ? "none" : BenchMachines.human(largest));

        // 3. 1 TiB in an 8 GiB heap
        Child tib = runChild(List.of("-Xmx8g"), BenchMachines.TiB, NODES);
        System.out.printf("1 TiB machine with -Xmx8g: %s%n  %s%n", tib.exit == 0 ? "BOOTS" : "DOES NOT BOOT", tib.line);
    }

    /** The child: boot one machine, report heap and memmap, exit 0 or EXIT_OOM. */
    static int bootOnce(long bytes, int nodes) {
        Runtime rt = Runtime.getRuntime();
        MachineSpec spec = BenchMachines.equalNodes("footprint", bytes, nodes);
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        try {
            PhysicalMemory mem = PhysicalMemory.boot(spec);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long after = usedAfterGc();
            long pages = mem.totalManagedPages();
            System.out.printf("RESULT booted pages=%d memmap=%.2fGiB bytesPerPage=%.3f heapGrowth/page=%.3f"
                            + " boot=%dms maxMemory=%.2fGiB%n", pages, mem.memmapBytes() / (double) BenchMachines.GiB,
                    mem.bytesPerPage(), (after - before) / (double) pages, ms, rt.maxMemory() / (double) BenchMachines.GiB);
            return 0;
        } catch (org.mmproto.core.mm.MemmapBudget.MachineTooLargeException e) {
            System.out.printf("RESULT refused before boot: %s%n", e.getMessage());
            return EXIT_OOM;
        } catch (OutOfMemoryError e) {
            long need = bytes / PAGE * 9;
            System.out.printf("RESULT OutOfMemoryError (%s) needs ~%.2fGiB of memmap, maxMemory=%.2fGiB%n",
                    e.getMessage(), need / (double) BenchMachines.GiB, rt.maxMemory() / (double) BenchMachines.GiB);
            return EXIT_OOM;
        }
    }

    static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /** -Xmx/-Xms/-XX:MaxRAM* and GC options this JVM was started with (empty = defaults). */
    static List<String> heapOptions() {
        List<String> out = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:MaxRAM")
                    || a.startsWith("-XX:MaxHeapSize") || a.startsWith("-XX:InitialRAM")
                    || a.startsWith("-XX:+Use") && a.endsWith("GC")) {
                out.add(a);
            }
        }
        return out;
    }

    record Child(int exit, String line) {
    }

    static Child runChild(List<String> jvmOpts, long bytes, int nodes) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(jvmOpts);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MemmapFootprint.class.getName());
        cmd.add("--boot");
        cmd.add(Long.toString(bytes));
        cmd.add(Integer.toString(nodes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        StringBuilder other = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7);
                } else if (other.length() < 2000) {
                    other.append(line).append('\n');
                }
            }
        }
        int exit = p.waitFor();
        if (result == null) {
            result = "child exited " + exit + " without a result: " + other.toString().strip();
        }
        return new Child(exit, result);
    }
}
