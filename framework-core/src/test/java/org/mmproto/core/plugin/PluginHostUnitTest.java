package org.mmproto.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.api.ZoneType;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.DriverContext;
import org.pf4j.PluginState;

/** The plugin host's pieces that need no plugin jar (jars are tested in framework-it). */
class PluginHostUnitTest {
    @TempDir
    Path dir;

    @Test
    void framework_version_is_filtered_and_the_system_version_drops_the_qualifier() {
        assertThat(FrameworkVersion.current()).matches("\\d+\\.\\d+\\.\\d+(-.+)?");
        assertThat(FrameworkVersion.systemVersion()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(FrameworkVersion.release("0.1.0-SNAPSHOT")).isEqualTo("0.1.0");
        assertThat(FrameworkVersion.release("1.2.3")).isEqualTo("1.2.3");
        assertThatThrownBy(() -> FrameworkVersion.release("1.2")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void plugins_dir_override_wins_and_defaults_are_cwd_then_the_checkout_root() {
        assertThat(PluginsDir.resolve("/some/where")).isEqualTo(Path.of("/some/where"));
        List<Path> c = PluginsDir.candidates();
        assertThat(c.get(0)).isEqualTo(Path.of("plugins").toAbsolutePath().normalize());
        // framework-core/target/classes → the repository root's plugins/
        assertThat(c.get(c.size() - 1).toString()).endsWith("plugins");
        assertThat(c.get(c.size() - 1).getParent().resolve("framework-core")).isDirectory();
    }

    @Test
    void exports_are_the_api_pf4j_jakarta_inject_and_slf4j() {
        assertThat(HostExports.exportsClass("org.mmproto.api.driver.Hook")).isTrue();
        assertThat(HostExports.exportsClass("org.pf4j.Extension")).isTrue();
        assertThat(HostExports.exportsClass("jakarta.inject.Inject")).isTrue();
        assertThat(HostExports.exportsClass("org.slf4j.Logger")).isTrue();
        assertThat(HostExports.exportsClass("org.mmproto.apix.Foo")).isFalse();
        assertThat(HostExports.exportsClass("org.mmproto.core.plugin.DriverPlugins")).isFalse();
        assertThat(HostExports.exportsClass("com.google.inject.Injector")).isFalse();
        assertThat(HostExports.exportsClass("javax.inject.Inject")).isFalse();
        assertThat(HostExports.exportsResource("org/mmproto/api/driver/Hook.class")).isTrue();
        assertThat(HostExports.exportsResource("/org/mmproto/api/x")).isTrue();
        assertThat(HostExports.exportsResource("logback.xml")).isFalse();
    }

    @Test
    void load_rejects_a_missing_directory_and_lists_an_empty_one() throws IOException {
        assertThatThrownBy(() -> new DriverPlugins().load(dir.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        Files.writeString(dir.resolve("notes.txt"), "not a jar");
        try (PluginCatalog c = new DriverPlugins().load(dir)) {
            assertThat(c.plugins()).isEmpty();
            assertThat(c.directory()).isEqualTo(dir.toAbsolutePath().normalize());
        }
    }

    @Test
    void a_corrupt_jar_fails_with_its_name() throws IOException {
        Files.writeString(dir.resolve("bad.jar"), "not a zip");
        try (PluginCatalog c = new DriverPlugins().load(dir)) {
            assertThat(c.plugins()).singleElement().satisfies(p -> {
                assertThat(p.state()).isEqualTo(PluginState.FAILED);
                assertThat(p.error()).startsWith("bad.jar: not a jar (zip) file");
            });
        }
    }

    @Test
    void the_host_only_factory_injects_the_driver_context_and_an_unbound_one_refuses_use() {
        CountingContext ctx = new CountingContext();
        Injector host = Guice.createInjector(new HostModule(HostServices.of(ctx)));
        GuiceExtensionFactory f = GuiceExtensionFactory.hostOnly(host);
        Injected a = f.create(Injected.class);
        assertThat(a.context).isSameAs(ctx);
        assertThat(f.create(Injected.class)).isNotSameAs(a);

        HostServicesHolder holder = new HostServicesHolder();
        Injected early = GuiceExtensionFactory.hostOnly(Guice.createInjector(new HostModule(holder))).create(Injected.class);
        assertThat(holder.isBound()).isFalse();
        assertThatThrownBy(() -> early.context.freePages()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a run");
        holder.set(ctx);
        assertThat(holder.isBound()).isTrue();
        assertThat(holder.driverContext()).isSameAs(ctx);
    }

    @Test
    void engine_module_binds_built_in_designs_by_name_and_rejects_duplicates() {
        Design a = named("alpha");
        Design b = named("beta");
        Injector run = Guice.createInjector(new EngineModule(HostServices.unbound(), List.of(b, a), PluginCatalog.empty()));
        Map<String, Design> designs = run.getInstance(Key.get(new TypeLiteral<Map<String, Design>>() { }));
        assertThat(designs).containsOnlyKeys("alpha", "beta");
        assertThat(designs.get("alpha")).isSameAs(a);
        DesignRegistry registry = run.getInstance(DesignRegistry.class);
        assertThat(registry.names()).containsExactly("alpha", "beta");
        assertThat(registry.get("beta")).isSameAs(b);
        assertThat(registry.entry("alpha").orElseThrow().isBuiltIn()).isTrue();
        assertThatThrownBy(() -> registry.get("gamma")).hasMessageContaining("no design 'gamma'; known designs: alpha, beta");
        assertThat(run.getInstance(DriverRegistry.class).ids()).isEmpty();
        assertThatThrownBy(() -> run.getInstance(DriverRegistry.class).create("cxl-mempolicy"))
                .hasMessageContaining("no driver 'cxl-mempolicy'; loaded drivers: none");

        assertThatThrownBy(() -> DesignRegistry.of(List.of(a, named("alpha")), PluginCatalog.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two designs are named 'alpha'")
                .hasMessageContaining("built-in (");
        assertThatThrownBy(() -> DesignRegistry.of(List.of(named(" ")), PluginCatalog.empty()))
                .hasMessageContaining("has no name()");
    }

    /** Needs the host's DriverContext. */
    static final class Injected {
        final DriverContext context;

        @Inject
        Injected(DriverContext context) {
            this.context = context;
        }
    }

    /** Answers managedPages() = 1 and nothing else. */
    static final class CountingContext implements DriverContext {
        @Override
        public int nid() {
            return 0;
        }

        @Override
        public ZoneType zone() {
            return ZoneType.NORMAL;
        }

        @Override
        public long managedPages() {
            return 1;
        }

        @Override
        public long freePages() {
            return 2;
        }

        @Override
        public long usedPages() {
            return 3;
        }

        @Override
        public long allocOwn(int order) {
            return -12;
        }

        @Override
        public void freeOwn(long pfn) {
        }

        @Override
        public long ownedPages() {
            return 0;
        }

        @Override
        public void releaseKept(long pfn) {
        }

        @Override
        public long keptFolios() {
            return 0;
        }

        @Override
        public void reportPressure(int pressure) {
        }

        @Override
        public void reportCapacity(long physicalPages) {
        }

        @Override
        public void requestPromotion(long pfn) {
        }
    }

    /** A design stand-in with a name (the decision methods are not used here). */
    static Design named(String name) {
        return (Design) Proxy.newProxyInstance(Design.class.getClassLoader(), new Class<?>[] {Design.class}, (proxy, m, args) -> {
            switch (m.getName()) {
                case "name":
                    return name;
                case "summary":
                case "source":
                    return "test";
                case "toString":
                    return "named(" + name + ")";
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
