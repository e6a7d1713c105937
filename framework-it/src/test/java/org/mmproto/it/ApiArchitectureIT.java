package org.mmproto.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** framework-api is the whole contract: it depends on nothing of framework-core or its libraries. */
@AnalyzeClasses(packages = "org.mmproto.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiArchitectureIT {
    @ArchTest
    static final ArchRule api_does_not_depend_on_framework_core = noClasses().that().resideInAPackage("org.mmproto.api..")
            .should().dependOnClassesThat().resideInAPackage("org.mmproto.core..");

    @ArchTest
    static final ArchRule api_does_not_depend_on_host_libraries = noClasses().that().resideInAPackage("org.mmproto.api..")
            .should().dependOnClassesThat().resideInAnyPackage("com.google..", "picocli..", "org.yaml..", "javax.inject..",
                    "ch.qos.logback..");
}
