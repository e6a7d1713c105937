package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.PluginCatalog;

/** A plugin sees the API, PF4J, jakarta.inject, SLF4J and the JDK of the host, and nothing else. */
class ClassLoaderBoundaryIT {
    @TempDir
    Path dir;
    PluginCatalog catalog;
    ClassLoader plugin;

    @BeforeEach
    void load() {
        Samples.copyCxlJar(dir);
        catalog = new DriverPlugins().load(dir);
        plugin = catalog.classLoader(Samples.CXL_ID).orElseThrow();
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.mmproto.api.driver.PrivateNodeDriver", "org.mmproto.api.driver.Hook",
        "org.mmproto.api.design.Design", "org.pf4j.Extension", "org.pf4j.ExtensionPoint", "jakarta.inject.Inject",
        "org.slf4j.LoggerFactory"})
    void exported_classes_are_the_hosts_own(String name) throws ClassNotFoundException {
        assertThat(plugin.loadClass(name)).isSameAs(Class.forName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.mmproto.core.plugin.DriverPlugins", "org.mmproto.core.cli.Main",
        "org.mmproto.core.mm.PageAllocator", "com.google.inject.Injector", "com.google.common.collect.ImmutableList",
        "picocli.CommandLine", "org.yaml.snakeyaml.Yaml", "ch.qos.logback.classic.Logger", "org.mmproto.it.fixtures.PlainDriver"})
    void host_internals_are_not_visible(String name) {
        assertThatThrownBy(() -> plugin.loadClass(name)).isInstanceOf(ClassNotFoundException.class)
                .hasMessageContaining(name).hasMessageContaining("the host exports only");
        assertThatThrownBy(() -> Class.forName(name, false, plugin)).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void jdk_classes_and_the_plugins_own_classes_load() throws ClassNotFoundException {
        assertThat(plugin.loadClass("java.util.List")).isSameAs(List.class);
        assertThat(plugin.loadClass("javax.xml.parsers.DocumentBuilderFactory")).isNotNull();
        Class<?> driver = plugin.loadClass(Samples.CXL_CLASS);
        assertThat(driver.getClassLoader()).isSameAs(plugin);
    }

    @Test
    void resources_of_the_host_stay_hidden_and_the_extension_index_is_the_plugins_alone() throws Exception {
        assertThat(plugin.getResource("logback.xml")).isNull();
        assertThat(plugin.getResource("org/mmproto/core/plugin/framework.properties")).isNull();
        assertThat(plugin.getResource("org/mmproto/api/driver/Hook.class")).isNotNull();
        List<URL> idx = Collections.list(plugin.getResources("META-INF/extensions.idx"));
        assertThat(idx).hasSize(1);
        assertThat(idx.get(0).toString()).contains("cxl-mempolicy");
    }

    @Test
    void closing_the_catalog_unloads_the_plugin_and_its_factories_stop() {
        var factory = catalog.driver(Samples.CXL_ID).orElseThrow().factory();
        assertThat(factory.get()).isNotNull();
        catalog.close();
        assertThatThrownBy(factory::get).isInstanceOf(org.pf4j.PluginRuntimeException.class)
                .hasMessageContaining("no longer loaded");
        assertThat(catalog.classLoader(Samples.CXL_ID)).isEmpty();
        assertThat(((org.pf4j.PluginClassLoader) plugin).isClosed()).isTrue();
    }
}
