package org.mmproto.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bottom of the core's layering, as far as it holds today: {@code mm} (page allocator, buddy,
 * zones, folio release) sees only the machine description, config and counters; {@code hooks}
 * (the dispatcher, containment, the designs) sees {@code mm} and nothing above it. So no package
 * cycle runs through either. The upper layers ({@code task} ↔ {@code policy} ↔ {@code migrate})
 * still form a cycle; their rules come with the composition root.
 */
class CoreLayersIT {
    private static final String[] ABOVE_HOOKS = {"org.mmproto.core.task..", "org.mmproto.core.reclaim..",
        "org.mmproto.core.policy..",
        "org.mmproto.core.migrate..", "org.mmproto.core.reclaim..", "org.mmproto.core.gup..", "org.mmproto.core.scenario..",
        "org.mmproto.core.report..", "org.mmproto.core.cli..", "org.mmproto.core.stress..",
        "org.mmproto.core.plugin.."};

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("org.mmproto.core");
    }

    @Test
    void mm_depends_on_no_other_subsystem_of_the_core() {
        noClasses().that().resideInAPackage("org.mmproto.core.mm..")
                .should().dependOnClassesThat().resideInAnyPackage(ABOVE_HOOKS)
                .because("mm is the bottom layer: the allocator knows nothing of tasks, policies or designs")
                .check(core);
        noClasses().that().resideInAPackage("org.mmproto.core.mm..")
                .should().dependOnClassesThat().resideInAPackage("org.mmproto.core.hooks..")
                .because("hooks sits above mm; mm reaches it only through interfaces it owns "
                        + "(PrivateNodeCheckpoint, FolioRelease.FreeGate, ReclaimSeam)")
                .check(core);
    }

    @Test
    void hooks_depends_only_on_mm_and_below() {
        noClasses().that().resideInAPackage("org.mmproto.core.hooks..")
                .should().dependOnClassesThat().resideInAnyPackage(ABOVE_HOOKS)
                .because("the dispatcher and the designs sit between mm and task")
                .check(core);
    }

    @Test
    void the_leaf_packages_depend_on_no_subsystem() {
        noClasses().that().resideInAnyPackage("org.mmproto.core.machine..", "org.mmproto.core.config..",
                        "org.mmproto.core.stats..")
                .should().dependOnClassesThat().resideInAnyPackage(ABOVE_HOOKS)
                .check(core);
        noClasses().that().resideInAnyPackage("org.mmproto.core.machine..", "org.mmproto.core.config..",
                        "org.mmproto.core.stats..")
                .should().dependOnClassesThat().resideInAnyPackage("org.mmproto.core.mm..", "org.mmproto.core.hooks..")
                .check(core);
    }

    @Test
    void reclaim_sits_above_task_and_migrate_and_below_policy() {
        noClasses().that().resideInAnyPackage("org.mmproto.core.task..", "org.mmproto.core.migrate..")
                .and().doNotHaveFullyQualifiedName("org.mmproto.core.task.Kernel")
                .should().dependOnClassesThat().resideInAPackage("org.mmproto.core.reclaim..")
                .because("the fault and free paths reach reclaim's data only through mm (Lru, SwapSpace); "
                        + "Kernel, the composition root until it moves out of task, constructs the subsystem")
                .check(core);
        noClasses().that().resideInAPackage("org.mmproto.core.reclaim..")
                .should().dependOnClassesThat().resideInAnyPackage("org.mmproto.core.policy..",
                        "org.mmproto.core.gup..", "org.mmproto.core.scenario..", "org.mmproto.core.report..",
                        "org.mmproto.core.cli..", "org.mmproto.core.plugin..", "org.mmproto.core.stress..")
                .because("reclaim sits below policy and everything above it")
                .check(core);
    }
}
