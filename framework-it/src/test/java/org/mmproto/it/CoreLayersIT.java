package org.mmproto.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core's layer order, bottom first, after Linux: the values (config, machine, stats, trace, fault)
 * ← mm (page allocator, buddy, zones, folio release) ← hooks (the dispatcher, containment, the
 * designs) ← task (VMAs, faults; it owns the ports the fault path calls) ← migrate ← the
 * subsystems beside gup (tier, reclaim, thp, compaction) ← policy (mempolicy objects and
 * placement) ← syscall (the NUMA syscalls as the user sees them) ← kernel (the composition root)
 * ← {plugin, probe, replay} ← {scenario, stress} ← report ← cli. A class depends only on its own layer
 * and the ones below; the packages form no cycle; every package of the core has a place here.
 * Packages not written yet (trace, tier, reclaim, thp, compaction, probe) are placed already, so
 * the first class in one lands in the right layer; their rules allow an empty layer.
 */
class CoreLayersIT {
    private static final String CORE = "org.mmproto.core";
    private static final List<List<String>> LAYERS = List.of(
            List.of("config", "machine", "stats", "trace", "fault"),
            List.of("mm"),
            List.of("hooks"),
            List.of("task"),
            List.of("migrate"),
            List.of("tier", "reclaim", "thp", "compaction", "gup", "hotplug"),
            List.of("policy"),
            List.of("syscall"),
            List.of("kernel"),
            List.of("plugin", "probe", "replay"),
            List.of("scenario", "stress"),
            List.of("report"),
            List.of("cli"));

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPackages(CORE);
    }

    private static String[] packages(List<String> names) {
        return names.stream().map(n -> CORE + "." + n + "..").toArray(String[]::new);
    }

    @Test
    void no_layer_depends_on_a_layer_above_it() {
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            List<String> above = new ArrayList<>();
            LAYERS.subList(i + 1, LAYERS.size()).forEach(above::addAll);
            noClasses().that().resideInAnyPackage(packages(LAYERS.get(i)))
                    .should().dependOnClassesThat().resideInAnyPackage(packages(above))
                    .because(LAYERS.get(i) + " sits below " + above)
                    .allowEmptyShould(true)
                    .check(core);
        }
    }

    @Test
    void the_core_packages_are_free_of_cycles() {
        slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(core);
    }

    @Test
    void every_core_package_has_a_place_in_the_layers() {
        List<String> placed = new ArrayList<>();
        LAYERS.forEach(placed::addAll);
        TreeSet<String> unplaced = new TreeSet<>();
        for (JavaClass c : core) {
            String rest = c.getPackageName().substring(CORE.length());
            String top = rest.isEmpty() ? "(org.mmproto.core itself)" : rest.substring(1).split("\\.")[0];
            if (!placed.contains(top)) {
                unplaced.add(top);
            }
        }
        assertThat(unplaced).as("core packages missing from CoreLayersIT.LAYERS").isEmpty();
        assertThat(Arrays.asList("mm", "hooks", "task", "policy", "syscall", "kernel", "scenario", "cli"))
                .as("the layers the engine has today hold classes")
                .allSatisfy(p -> assertThat(core.stream().anyMatch(c -> c.getPackageName().startsWith(CORE + "." + p)))
                        .as(p).isTrue());
    }
}
