package org.mmproto.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Bytecode-level boundaries: sample drivers (the packaged jar and target/classes) use only the
 * API, PF4J, jakarta.inject, SLF4J and the JDK; the host's plugin layer never uses javax.inject.
 * "framework-api depends on nothing of framework-core" is {@link ApiArchitectureIT}.
 */
class ArchitectureIT {
    private static final String[] PLUGIN_ALLOWED = {"java..", "org.mmproto.api..", "org.pf4j..", "jakarta.inject..",
        "org.slf4j..", "org.mmproto.samples.."};

    @Test
    void the_packaged_sample_driver_jar_depends_only_on_the_api_pf4j_jakarta_inject_slf4j_and_the_jdk() throws IOException {
        try (JarFile jar = new JarFile(Samples.cxlJar().toFile())) {
            JavaClasses sample = new ClassFileImporter().importJar(jar);
            classes().should().onlyDependOnClassesThat().resideInAnyPackage(PLUGIN_ALLOWED)
                    .because("a driver plugin is built against framework-api only").check(sample);
            classes().should().resideInAPackage("org.mmproto.samples..").check(sample);
        }
    }

    @Test
    void sample_driver_classes_depend_only_on_the_allowed_packages() {
        Path classesDir = Path.of(System.getProperty("mmproto.it.cxlClasses", "../sample-drivers/cxl-mempolicy/target/classes"));
        JavaClasses sample = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests()).importPath(classesDir);
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(PLUGIN_ALLOWED).check(sample);
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.mmproto.core..", "com.google..", "javax.inject..")
                .check(sample);
    }

    @Test
    void the_plugin_host_uses_jakarta_inject_never_javax_inject() {
        JavaClasses core = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("org.mmproto.core");
        noClasses().should().dependOnClassesThat().resideInAPackage("javax.inject..").check(core);
    }
}
