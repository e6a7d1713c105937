package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.TeardownEvent;
import org.mmproto.api.driver.TaskRef;
import org.mmproto.core.hooks.DriverSpec;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.plugin.DesignRegistry;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.DriverRegistry;
import org.mmproto.core.plugin.EngineModule;
import org.mmproto.core.plugin.FrameworkVersion;
import org.mmproto.core.plugin.HostServices;
import org.mmproto.core.plugin.HostServicesHolder;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.scenario.RunFactory;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.it.fixtures.FixtureDesign;
import org.mmproto.it.fixtures.InjectedDriver;

/** Plugin extensions are created by Guice: per-plugin child injectors of the host's (or the run's) injector. */
class GuiceInjectionIT {
    @TempDir
    Path dir;

    private void writeInjectedPlugin() {
        TestJar.plugin(dir, "injected.jar", "injected").extensions(InjectedDriver.class, FixtureDesign.class).write();
    }

    @Test
    void a_driver_constructor_injects_the_hosts_driver_context() {
        writeInjectedPlugin();
        Samples.RecordingContext host = new Samples.RecordingContext(4242);
        try (PluginCatalog c = new DriverPlugins(FrameworkVersion.systemVersion(), HostServices.of(host)).load(dir)) {
            assertThat(c.failed()).isEmpty();
            PrivateNodeDriver d = c.driver("injected").orElseThrow().newInstance();
            assertThat(d.getClass().getName()).isEqualTo(InjectedDriver.class.getName());
            assertThat(d.getClass()).as("loaded by the plugin, not the test class path").isNotSameAs(InjectedDriver.class);
            assertThat(d.pressure(0)).isEqualTo(4242);
            d.teardown(new TeardownEvent(TaskRef.KERNEL, 0x1000, 0x2000, 1));
            assertThat(host.released).containsExactly(0x1000L);
            assertThat(c.driver("injected").orElseThrow().newInstance()).isNotSameAs(d);
        }
    }

    @Test
    void before_a_run_the_injected_context_refuses_use_and_a_holder_fills_it_later() {
        writeInjectedPlugin();
        HostServicesHolder holder = new HostServicesHolder();
        try (PluginCatalog c = new DriverPlugins(FrameworkVersion.systemVersion(), holder).load(dir)) {
            PrivateNodeDriver early = c.driver("injected").orElseThrow().newInstance();
            assertThatThrownBy(() -> early.pressure(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside a run");
            holder.set(new Samples.RecordingContext(7));
            assertThat(c.driver("injected").orElseThrow().newInstance().pressure(0)).isEqualTo(7);
        }
    }

    @Test
    void each_run_injector_gives_its_own_context_to_drivers_and_designs_by_name() {
        writeInjectedPlugin();
        try (PluginCatalog c = new DriverPlugins().load(dir)) {
            Design builtIn = builtIn("built-in-a");
            Injector run1 = Guice.createInjector(new EngineModule(HostServices.of(new Samples.RecordingContext(11)), List.of(builtIn), c));
            Injector run2 = Guice.createInjector(new EngineModule(HostServices.of(new Samples.RecordingContext(22)), List.of(builtIn), c));

            PrivateNodeDriver d1 = run1.getInstance(DriverRegistry.class).create("injected");
            PrivateNodeDriver d2 = run2.getInstance(DriverRegistry.class).create("injected");
            assertThat(d1.pressure(0)).isEqualTo(11);
            assertThat(d2.pressure(0)).isEqualTo(22);
            assertThat(run1.getInstance(DriverRegistry.class).ids()).containsExactly("injected");
            assertThatThrownBy(() -> run1.getInstance(DriverRegistry.class).create("nope"))
                    .hasMessageContaining("no driver 'nope'").hasMessageContaining("injected");

            Map<String, Design> designs = run1.getInstance(Key.get(new TypeLiteral<Map<String, Design>>() { }));
            assertThat(designs).containsOnlyKeys("built-in-a", FixtureDesign.NAME);
            assertThat(designs.get("built-in-a")).isSameAs(builtIn);
            assertThat(designs.get(FixtureDesign.NAME).getClass().getClassLoader())
                    .isSameAs(c.classLoader("injected").orElseThrow());
            assertThat(designs.get(FixtureDesign.NAME).summary()).contains("test fixture");

            DesignRegistry registry = run1.getInstance(DesignRegistry.class);
            assertThat(registry.names()).containsExactly("built-in-a", FixtureDesign.NAME);
            assertThat(registry.entry(FixtureDesign.NAME).orElseThrow().origin()).contains("plugin injected");
        }
    }

    @Test
    void in_a_run_the_injected_context_is_that_of_the_node_the_driver_is_created_for() {
        writeInjectedPlugin();
        try (PluginCatalog c = new DriverPlugins().load(dir)) {
            RunSetup setup = new RunFactory(c).setup("ops-struct", Duration.ofSeconds(5));
            Kernel k = Kernel.boot(MachineFiles.bundled("private-cxl"), new OpsStruct(), List.of(new DriverSpec("injected",
                    setup.drivers().get("injected"), 2, Map.of(), "test", 1)), setup.budget(), setup.context()::constructing);
            assertThat(k.driverContext(2)).as("bind() accepted the injected context").isPresent();
            assertThat(setup.context().isBound()).as("outside the driver's creation the holder is empty again").isFalse();
        }
    }

    @Test
    void the_shipped_built_in_designs_merge_with_plugin_designs() {
        writeInjectedPlugin();
        try (PluginCatalog c = new DriverPlugins().load(dir)) {
            List<Design> builtIns = BuiltInDesigns.all();
            Injector run = Guice.createInjector(new EngineModule(HostServices.unbound(), builtIns, c));
            Map<String, Design> designs = run.getInstance(Key.get(new TypeLiteral<Map<String, Design>>() { }));
            assertThat(designs).hasSize(builtIns.size() + 1).containsKey(FixtureDesign.NAME);
            builtIns.forEach(d -> assertThat(designs.get(d.name())).isSameAs(d));
        }
    }

    @Test
    void a_built_in_and_a_plugin_design_with_the_same_name_is_a_clear_error() {
        writeInjectedPlugin();
        try (PluginCatalog c = new DriverPlugins().load(dir)) {
            assertThatThrownBy(() -> new EngineModule(HostServices.unbound(), List.of(builtIn(FixtureDesign.NAME)), c))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("two designs are named '" + FixtureDesign.NAME + "'")
                    .hasMessageContaining("built-in (")
                    .hasMessageContaining("plugin injected (" + FixtureDesign.class.getName() + ")");
        }
    }

    /** A stand-in for a built-in design: name, summary and source; every decision method is unused here. */
    static Design builtIn(String name) {
        return (Design) Proxy.newProxyInstance(Design.class.getClassLoader(), new Class<?>[] {Design.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "name":
                    return name;
                case "summary":
                    return "built in";
                case "source":
                    return "test";
                case "toString":
                    return "builtIn(" + name + ")";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    throw new UnsupportedOperationException(m.getName());
            }
        });
    }
}
