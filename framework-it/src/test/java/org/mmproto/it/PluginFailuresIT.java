package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.plugin.PluginInfo;
import org.mmproto.it.fixtures.BrokenInitDriver;
import org.mmproto.it.fixtures.CoreUsingDriver;
import org.mmproto.it.fixtures.NeedsUnboundDriver;
import org.mmproto.it.fixtures.NotADriver;
import org.mmproto.it.fixtures.PlainDriver;
import org.mmproto.it.fixtures.KeepingDriver;
import org.mmproto.it.fixtures.Unbound;
import org.pf4j.PluginState;

/** Every bad jar fails alone, with an error that names it, while the good plugin still loads. */
class PluginFailuresIT {
    @TempDir
    Path dir;

    private PluginInfo only(PluginCatalog catalog, String jarName) {
        return catalog.plugins().stream().filter(p -> p.jar().getFileName().toString().equals(jarName)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry for " + jarName + " in " + catalog.plugins()));
    }

    /** Loads the directory with the sample jar added and checks that it still loads. */
    private PluginCatalog loadWithGoodPlugin() {
        Samples.copyCxlJar(dir);
        PluginCatalog catalog = new DriverPlugins().load(dir);
        assertThat(catalog.plugin(Samples.CXL_ID)).get().extracting(PluginInfo::state).isEqualTo(PluginState.STARTED);
        assertThat(catalog.driver(Samples.CXL_ID)).get().extracting(d -> d.hooks())
                .isEqualTo(java.util.EnumSet.of(Hook.MIGRATE_TO, Hook.FOLIO_MIGRATE));
        return catalog;
    }

    private static void assertFailed(PluginInfo p, String... phrases) {
        assertThat(p.state()).isEqualTo(PluginState.FAILED);
        assertThat(p.failed()).isTrue();
        assertThat(p.error()).startsWith(p.jar().getFileName() + ": ").contains(phrases);
        assertThat(p.drivers()).isEmpty();
        assertThat(p.designs()).isEmpty();
    }

    @Test
    void a_corrupt_jar_is_not_a_zip() throws IOException {
        Files.writeString(dir.resolve("corrupt.jar"), "this is not a zip file\n");
        try (PluginCatalog c = loadWithGoodPlugin()) {
            PluginInfo p = only(c, "corrupt.jar");
            assertFailed(p, "not a jar (zip) file");
            assertThat(p.id()).isNull();
            assertThat(p.label()).isEqualTo("corrupt.jar");
        }
    }

    @Test
    void a_jar_without_plugin_id_has_no_descriptor() {
        TestJar.plain(dir, "no-descriptor.jar").attr("Implementation-Title", "x").extensions(PlainDriver.class).write();
        TestJar.plain(dir, "no-manifest.jar").noManifest().extensions(PlainDriver.class).write();
        TestJar.plain(dir, "no-version.jar").attr("Plugin-Id", "half").extensions(PlainDriver.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            assertFailed(only(c, "no-descriptor.jar"), "no plugin descriptor", "Plugin-Id");
            assertFailed(only(c, "no-manifest.jar"), "no plugin descriptor", "MANIFEST.MF");
            assertFailed(only(c, "no-version.jar"), "no Plugin-Version");
        }
    }

    @Test
    void a_jar_requiring_a_future_framework_is_incompatible() {
        TestJar.plugin(dir, "future.jar", "future").attr("Plugin-Requires", ">=99.0.0").extensions(PlainDriver.class).write();
        TestJar.plugin(dir, "exact-future.jar", "exact-future").attr("Plugin-Requires", "99.0.0").extensions(PlainDriver.class).write();
        TestJar.plugin(dir, "current.jar", "current").attr("Plugin-Requires", ">=0.1.0 & <99.0.0").extensions(PlainDriver.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            PluginInfo p = only(c, "future.jar");
            assertFailed(p, "incompatible framework version", ">=99.0.0", "this is mmproto " + c.systemVersion());
            assertThat(p.id()).isEqualTo("future");
            assertThat(p.requires()).isEqualTo(">=99.0.0");
            assertFailed(only(c, "exact-future.jar"), "incompatible framework version", "99.0.0");
            assertThat(only(c, "current.jar").state()).isEqualTo(PluginState.STARTED);
            assertThat(c.classLoader("future")).isEmpty();
        }
    }

    @Test
    void a_jar_bundling_framework_api_classes_is_rejected_and_says_so() {
        TestJar.plugin(dir, "bundled-api.jar", "bundled-api").extensions(PlainDriver.class)
                .bundle(PrivateNodeDriver.class, Hook.class, NpOps.class, Design.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            assertFailed(only(c, "bundled-api.jar"), "bundles its own copy of framework-api", "org/mmproto/api/",
                    "<scope>provided</scope>");
        }
    }

    @Test
    void a_jar_without_extensions_is_a_failure_with_the_reason() {
        TestJar.plugin(dir, "no-index.jar", "no-index").noIndex().bundle(PlainDriver.class).write();
        TestJar.plugin(dir, "empty-index.jar", "empty-index").write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            assertFailed(only(c, "no-index.jar"), "no META-INF/extensions.idx", "-proc:full");
            assertFailed(only(c, "empty-index.jar"), "lists no extensions");
        }
    }

    @Test
    void extension_classes_that_cannot_load_or_are_no_extension_point_fail_their_jar() {
        TestJar.plugin(dir, "missing-class.jar", "missing-class").indexOnly("org.mmproto.it.fixtures.Gone").write();
        TestJar.plugin(dir, "not-a-driver.jar", "not-a-driver").extensions(NotADriver.class).write();
        TestJar.plugin(dir, "core-user.jar", "core-user").extensions(CoreUsingDriver.class).write();
        TestJar.plugin(dir, "unbound.jar", "unbound").extensions(NeedsUnboundDriver.class).bundle(Unbound.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            assertFailed(only(c, "missing-class.jar"), "org.mmproto.it.fixtures.Gone", "is not in the jar");
            assertFailed(only(c, "not-a-driver.jar"), NotADriver.class.getName(), "is neither a");
            assertFailed(only(c, "core-user.jar"), CoreUsingDriver.class.getName(), "org/mmproto/core/plugin/FrameworkVersion");
            assertFailed(only(c, "unbound.jar"), NeedsUnboundDriver.class.getName(), "No implementation for",
                    Unbound.class.getName());
        }
    }

    @Test
    void a_second_jar_with_the_same_plugin_id_fails_naming_the_first() {
        TestJar.plugin(dir, "zz-dup.jar", Samples.CXL_ID).extensions(PlainDriver.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            PluginInfo dup = only(c, "zz-dup.jar");
            assertFailed(dup, "Plugin-Id 'cxl-mempolicy' is already taken by " + Samples.cxlJar().getFileName());
            assertThat(dup.error()).as("names both jars").startsWith("zz-dup.jar: ");
        }
    }

    @Test
    void disabled_plugins_are_listed_as_disabled_not_failed() throws IOException {
        TestJar.plugin(dir, "off.jar", "off").extensions(PlainDriver.class).write();
        Files.writeString(dir.resolve("disabled.txt"), "off\n");
        try (PluginCatalog c = loadWithGoodPlugin()) {
            PluginInfo p = only(c, "off.jar");
            assertThat(p.state()).isEqualTo(PluginState.DISABLED);
            assertThat(p.error()).isNull();
            assertThat(p.drivers()).isEmpty();
            assertThat(c.failed()).isEmpty();
        }
    }

    @Test
    void the_implemented_hooks_are_the_callbacks_the_class_overrides() {
        TestJar.plugin(dir, "keeping.jar", "keeping").extensions(KeepingDriver.class).write();
        TestJar.plugin(dir, "plain.jar", "plain").extensions(PlainDriver.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            PluginInfo p = only(c, "keeping.jar");
            assertThat(p.state()).isEqualTo(PluginState.STARTED);
            assertThat(c.driver("keeping").orElseThrow().hooks()).containsExactly(Hook.FREE_FOLIO);
            assertThat(c.driver("plain").orElseThrow().hooks()).isEmpty();
        }
    }

    @Test
    void a_failing_static_initializer_is_reported_with_its_cause_and_the_jar() {
        TestJar.plugin(dir, "broken-init.jar", "broken-init").extensions(BrokenInitDriver.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            assertFailed(only(c, "broken-init.jar"), BrokenInitDriver.class.getName(), "a static initializer failed",
                    "IllegalStateException: no firmware blob for the device");
        }
    }

    @Test
    void everything_at_once_still_loads_the_good_plugin_and_orders_entries_by_file_name() throws IOException {
        Files.writeString(dir.resolve("corrupt.jar"), "nope");
        Files.writeString(dir.resolve("README.md"), "not a jar, ignored");
        TestJar.plain(dir, "a-no-descriptor.jar").extensions(PlainDriver.class).write();
        TestJar.plugin(dir, "future.jar", "future").attr("Plugin-Requires", ">=99.0.0").extensions(PlainDriver.class).write();
        TestJar.plugin(dir, "plain.jar", "plain").extensions(PlainDriver.class).write();
        try (PluginCatalog c = loadWithGoodPlugin()) {
            assertThat(c.plugins()).extracting(p -> p.jar().getFileName().toString()).containsExactly(
                    "a-no-descriptor.jar", "corrupt.jar", Samples.cxlJar().getFileName().toString(), "future.jar", "plain.jar");
            assertThat(c.failed()).hasSize(3);
            assertThat(c.started()).extracting(PluginInfo::id).containsExactly(Samples.CXL_ID, "plain");
            assertThat(c.drivers()).extracting(d -> d.id()).containsExactly(Samples.CXL_ID, "plain");
        }
    }
}
