package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.plugin.DriverExtension;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.plugin.PluginInfo;
import org.pf4j.PluginState;

/** The cxl-mempolicy jar the reactor built, loaded by the real plugin host. */
class SamplePluginIT {
    @TempDir
    Path dir;

    @Test
    void the_packaged_jar_loads_started_with_one_driver_and_its_two_hooks() {
        Path jar = Samples.copyCxlJar(dir);
        try (PluginCatalog catalog = new DriverPlugins().load(dir)) {
            assertThat(catalog.plugins()).hasSize(1);
            PluginInfo p = catalog.plugins().get(0);
            assertThat(p.error()).isNull();
            assertThat(p.id()).isEqualTo(Samples.CXL_ID);
            assertThat(p.version()).isEqualTo(Samples.version());
            assertThat(p.state()).isEqualTo(PluginState.STARTED);
            assertThat(p.jar().getFileName()).isEqualTo(jar.getFileName());
            assertThat(p.requires()).isEqualTo(">=0.1.0");
            assertThat(p.provider()).isEqualTo("mmproto");
            assertThat(p.description()).contains("fallback");
            assertThat(p.designs()).isEmpty();
            assertThat(p.drivers()).hasSize(1);
            DriverExtension d = p.drivers().get(0);
            assertThat(d.id()).isEqualTo(Samples.CXL_ID);
            assertThat(d.className()).isEqualTo(Samples.CXL_CLASS);
            assertThat(d.hooks()).containsExactly(Hook.MIGRATE_TO, Hook.FOLIO_MIGRATE);
            assertThat(d.hooks().stream().map(Hook::kernelName)).containsExactly("migrate_to", "folio_migrate");
            assertThat(catalog.driver(Samples.CXL_ID)).contains(d);
        }
    }

    @Test
    void binding_opts_into_migration_and_mempolicy_in_the_zone_the_machine_gives() {
        Samples.copyCxlJar(dir);
        try (PluginCatalog catalog = new DriverPlugins().load(dir)) {
            DriverExtension d = catalog.driver(Samples.CXL_ID).orElseThrow();
            PrivateNodeDriver driver = d.newInstance();
            NodeOptIns normal = driver.bind(new NodeBinding(2, 1L << 18, ZoneType.NORMAL, Map.of()), new Samples.RecordingContext(1));
            assertThat(normal.flags()).containsExactlyInAnyOrder(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY);
            assertThat(NpOps.violations(normal.flags(), d.hooks())).isEmpty();
            assertThat(driver.bind(new NodeBinding(3, 1L << 18, ZoneType.MOVABLE, Map.of("zone", "movable")), null).flags())
                    .isEqualTo(normal.flags());
            assertThatThrownBy(() -> driver.bind(new NodeBinding(3, 1, ZoneType.NORMAL, Map.of("zone", "dma")), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone must be normal or movable");
        }
    }

    @Test
    void the_engine_binds_the_plugin_driver_after_boot_and_a_zone_it_refuses_is_an_error() {
        Samples.copyCxlJar(dir);
        MachineSpec machine = MachineFiles.bundled("private-cxl"); // node 2: private, online: movable
        try (PluginCatalog catalog = new DriverPlugins().load(dir)) {
            DriverExtension d = catalog.driver(Samples.CXL_ID).orElseThrow();
            Kernel k = Kernel.boot(machine, new OpsStruct(), List.of(new DriverSpec(d.pluginId(), d.factory(), 2,
                    Map.of(), "scenario.yaml", 3)), Duration.ofSeconds(5));
            assertThat(k.driverContext(2)).get().extracting(c -> c.zone()).isEqualTo(ZoneType.MOVABLE);

            // The config insists on ZONE_NORMAL, the machine onlined the node movable: the driver refuses.
            assertThatThrownBy(() -> Kernel.boot(machine, new OpsStruct(), List.of(new DriverSpec(d.pluginId(), d.factory(),
                    2, Map.of("zone", "normal"), "scenario.yaml", 3)), Duration.ofSeconds(5)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("scenario.yaml:3")
                    .hasMessageContaining("ZONE_NORMAL").hasMessageContaining("ZONE_MOVABLE");
        }
    }

    @Test
    void each_factory_call_is_a_fresh_driver_loaded_by_the_plugin_and_not_the_test_class_path() {
        Samples.copyCxlJar(dir);
        try (PluginCatalog catalog = new DriverPlugins().load(dir)) {
            DriverExtension d = catalog.driver(Samples.CXL_ID).orElseThrow();
            PrivateNodeDriver a = d.factory().get();
            PrivateNodeDriver b = d.factory().get();
            assertThat(a).isNotSameAs(b);
            assertThat(a.getClass().getClassLoader()).isSameAs(catalog.classLoader(Samples.CXL_ID).orElseThrow());
        }
        assertThatThrownBy(() -> Class.forName(Samples.CXL_CLASS))
                .as("the driver must reach the host only as a plugin jar").isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void the_jar_has_a_non_empty_extension_index_the_descriptor_and_no_framework_classes() throws IOException {
        try (JarFile jar = new JarFile(Samples.cxlJar().toFile())) {
            var idx = jar.getJarEntry("META-INF/extensions.idx");
            assertThat(idx).as("PF4J annotation processor output").isNotNull();
            List<String> names = new String(jar.getInputStream(idx).readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertThat(names).containsExactly(Samples.CXL_CLASS);

            Attributes mf = jar.getManifest().getMainAttributes();
            assertThat(mf.getValue("Plugin-Id")).isEqualTo(Samples.CXL_ID);
            assertThat(mf.getValue("Plugin-Version")).isEqualTo(Samples.version());
            assertThat(mf.getValue("Plugin-Requires")).isEqualTo(">=0.1.0");
            assertThat(mf.getValue("Plugin-Provider")).isNotBlank();
            assertThat(mf.getValue("Plugin-Description")).isNotBlank();

            assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")))
                    .allMatch(n -> n.startsWith("org/mmproto/samples/"));
        }
    }

    @Test
    void package_copied_the_jar_into_the_repository_plugins_directory() {
        Path plugins = Path.of(System.getProperty("mmproto.it.pluginsDir", "../plugins"));
        assertThat(plugins.resolve(Samples.cxlJar().getFileName())).isRegularFile().hasSameBinaryContentAs(Samples.cxlJar());
    }
}
