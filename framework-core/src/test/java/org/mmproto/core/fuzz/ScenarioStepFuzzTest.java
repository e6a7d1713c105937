package org.mmproto.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.scenario.RunReport;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;

/**
 * The scenario-step layer fuzzed: seeded random scenario files (every op of the mm fuzzer as a
 * YAML step, valid and invalid arguments, names used before, after and without definition) are
 * parsed and run under every built-in design on a machine with a private node. A file the parser
 * refuses must be refused with a ConfigException naming file and line; a file it accepts must
 * run to the end with no step ending in an engine exception and the engine invariants holding.
 * {@code -Dmmproto.stepfuzz.files=N} runs more files (default 300).
 */
class ScenarioStepFuzzTest {
    private static final String[] LEN = {"4KiB", "8KiB", "2MiB", "16KiB", "4KiB", "0", "6KiB", "64TiB", "1"};
    private static final String[] MODE = {"MPOL_BIND", "MPOL_PREFERRED", "MPOL_INTERLEAVE", "MPOL_DEFAULT", "MPOL_LOCAL",
        "MPOL_PREFERRED_MANY"};
    private static final String[] MASK = {"\"0\"", "\"1\"", "\"2\"", "\"0-2\"", "\"7\"", "\"\""};
    private static final String[] GFP = {"GFP_KERNEL", "GFP_HIGHUSER_MOVABLE", "GFP_KERNEL|__GFP_THISNODE",
        "GFP_HIGHUSER_MOVABLE|__GFP_PRIVATE|__GFP_THISNODE", "GFP_ATOMIC", "GFP_TRANSHUGE"};

    /** Names defined so far; one pick in twenty is a name never defined (a parse error). */
    private static String pick(Random r, List<String> defined, String prefix) {
        if (r.nextInt(50) == 0) {
            return prefix + "_undefined";
        }
        if (defined.isEmpty()) {
            return null;
        }
        return defined.get(r.nextInt(defined.size()));
    }

    private static String step(Random r, int i, List<String> maps, List<String> allocs, List<String> pins) {
        String buf = pick(r, maps, "m");
        String alloc = pick(r, allocs, "k");
        String pin = pick(r, pins, "p");
        int op = r.nextInt(14);
        if (buf == null && op >= 2 && op <= 7 || buf == null && (op == 10 || op == 12) || alloc == null && op == 9
                || pin == null && op == 11) {
            op = r.nextBoolean() ? 0 : 8; // nothing of that kind defined yet: define something instead
        }
        String len = LEN[r.nextInt(LEN.length)];
        String task = r.nextInt(30) == 0 ? "b" : "a";
        String onto = MASK[r.nextInt(MASK.length)];
        return switch (op) {
            case 0, 1 -> "  - mmap: {task: " + task + ", name: " + def(maps, "m" + i) + ", length: " + len
                    + ", prot: PROT_READ|PROT_WRITE, flags: MAP_PRIVATE|MAP_ANONYMOUS}\n    expect: {result: any}";
            case 2 -> "  - touch: {task: a, addr: " + buf + ", length: " + len + ", write: " + r.nextBoolean()
                    + "}\n    expect: {result: any}";
            case 3 -> "  - munmap: {task: a, addr: " + buf + ", length: " + len + "}\n    expect: {result: any}";
            case 4 -> "  - madvise: {task: a, addr: " + buf + ", length: " + len + ", advice: MADV_DONTNEED}\n"
                    + "    expect: {result: any}";
            case 5 -> "  - mbind: {task: a, addr: " + buf + ", length: " + len + ", mode: " + MODE[r.nextInt(MODE.length)]
                    + ", nodemask: " + onto + (r.nextBoolean() ? ", flags: MPOL_MF_MOVE" : "") + "}\n    expect: {result: any}";
            case 6 -> "  - set_mempolicy: {task: a, mode: " + MODE[r.nextInt(MODE.length)] + ", nodemask: " + onto
                    + "}\n    expect: {result: any}";
            case 7 -> "  - move_pages: {task: a, pid: 0, pages: [" + buf + "], nodes: [" + r.nextInt(4)
                    + "], flags: MPOL_MF_MOVE}\n    expect: {result: any}";
            case 8 -> "  - alloc_pages: {gfp: " + GFP[r.nextInt(GFP.length)] + ", order: " + r.nextInt(11) + ", nid: "
                    + r.nextInt(3) + ", name: " + def(allocs, "k" + i) + "}\n    expect: {result: any}";
            case 9 -> "  - free_pages: " + alloc;
            case 10 -> "  - pin_user_pages: {task: a, addr: " + buf + ", length: 4KiB, flags: FOLL_LONGTERM|FOLL_WRITE, name: "
                    + def(pins, "p" + i) + "}\n    expect: {result: any}";
            case 11 -> "  - unpin_user_pages: " + pin;
            case 12 -> "  - nested_alloc: {task: a, addr: " + buf + ", length: 4KiB, gfp: GFP_ATOMIC}\n    expect: {result: any}";
            default -> "  - check: {}";
        };
    }

    private static String def(List<String> names, String name) {
        names.add(name);
        return name;
    }

    @Test
    void random_scenario_files_are_refused_with_a_line_or_run_cleanly_under_every_design() {
        int files = Integer.getInteger("mmproto.stepfuzz.files", 300);
        List<String> designs = BuiltInDesigns.all().stream().map(d -> d.name()).toList();
        Random r = new Random(Long.getLong("mmproto.stepfuzz.seed", 7L));
        int refused = 0;
        int ran = 0;
        for (int f = 0; f < files; f++) {
            StringBuilder y = new StringBuilder("machine: private-normal\nthp: never\ntasks:\n  - {name: a, cpu: 0}\nsteps:\n");
            int n = 4 + r.nextInt(20);
            List<String> maps = new ArrayList<>();
            List<String> allocs = new ArrayList<>();
            List<String> pins = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                y.append(step(r, i, maps, allocs, pins)).append('\n');
            }
            String name = "fuzz-" + f + ".yaml";
            Scenario s;
            try {
                s = ScenarioParser.parse(y.toString(), name, Path.of("."));
            } catch (ConfigException e) {
                assertThat(e.getMessage()).as(y.toString()).startsWith(name + ":");
                refused++;
                continue;
            }
            String design = designs.get(f % designs.size());
            RunReport rep = new ScenarioRunner(s, RunSetup.builtIn().withDesign(design)).run();
            List<String> exceptions = new ArrayList<>();
            rep.steps().forEach(st -> {
                if ("exception".equals(st.result())) {
                    exceptions.add(st.line() + ": " + st.summary());
                }
            });
            assertThat(exceptions).as(design + "\n" + y).isEmpty();
            assertThat(rep.invariants()).as(design + "\n" + y).isEmpty();
            ran++;
        }
        assertThat(ran).as("files that parsed and ran").isGreaterThan(files / 4);
        assertThat(refused + ran).isEqualTo(files);
    }
}
