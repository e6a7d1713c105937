package org.mmproto.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The reporters sit between the scenarios and the command line: the runner and everything below
 * it hand reports over without knowing any format, and a reporter never reaches into the CLI.
 */
class ReportLayerIT {
    private static final JavaClasses CORE = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
            .importPackages("org.mmproto.core");

    @Test
    void nothing_below_the_cli_depends_on_a_report_format() {
        noClasses().that().resideOutsideOfPackages("org.mmproto.core.report..", "org.mmproto.core.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.mmproto.core.report..")
                .because("a new --format is a new Reporter, not a change to the runner").check(CORE);
    }

    @Test
    void reporters_do_not_depend_on_the_cli() {
        noClasses().that().resideInAPackage("org.mmproto.core.report..")
                .should().dependOnClassesThat().resideInAPackage("org.mmproto.core.cli..").check(CORE);
    }
}
