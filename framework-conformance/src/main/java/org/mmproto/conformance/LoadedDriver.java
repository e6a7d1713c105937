package org.mmproto.conformance;

import com.google.inject.Guice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.plugin.DriverExtension;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.HostServicesHolder;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.plugin.PluginInfo;
import org.mmproto.core.scenario.RunFactory;
import org.mmproto.core.scenario.RunSetup;

/**
 * A driver ready for the kit's runs: its plugin id, a factory of fresh instances (through the
 * run's injector, as a scenario run creates them), the designs to check it under (built in and
 * any the jar ships), and where its class files are. Holds the plugin's class loader open until
 * closed.
 */
final class LoadedDriver implements AutoCloseable {
    final String pluginId;
    final Supplier<PrivateNodeDriver> factory;
    final HostServicesHolder context;
    final Map<String, Supplier<Design>> designs;
    /** The jar or classes directory whose bytecode the purity rule reads. */
    final Path classes;
    private final PluginCatalog catalog;
    private final Path tempDir;
    /** The catalogs of {@link #addDesignPlugins} directories, closed with this one. */
    private final List<PluginCatalog> designCatalogs = new java.util.ArrayList<>();

    private LoadedDriver(String pluginId, Supplier<PrivateNodeDriver> factory, HostServicesHolder context,
            Map<String, Supplier<Design>> designs, Path classes, PluginCatalog catalog, Path tempDir) {
        this.pluginId = pluginId;
        this.factory = factory;
        this.context = context;
        this.designs = new java.util.LinkedHashMap<>(designs);
        this.classes = classes;
        this.catalog = catalog;
        this.tempDir = tempDir;
    }

    /** Why a jar did not load (CONTRACT R1.1). */
    static final class LoadFailure extends Exception {
        private static final long serialVersionUID = 1L;

        LoadFailure(String message) {
            super(message);
        }
    }

    /**
     * Loads {@code jar} alone from a directory of its own, through {@link DriverPlugins} (the
     * jar checks, PF4J, the extension scan, Guice).
     */
    static LoadedDriver fromJar(Path jar, Duration budget) throws LoadFailure {
        return fromJar(jar, budget, null, null);
    }

    /**
     * As {@link #fromJar(Path, Duration)}, checking the driver of a build's test: the jar must be
     * plugin {@code pluginId} and ship driver class {@code className} (nulls: its first driver).
     */
    static LoadedDriver fromJar(Path jar, Duration budget, String className, String pluginId) throws LoadFailure {
        if (!Files.isRegularFile(jar)) {
            throw new LoadFailure(jar + ": no such file");
        }
        Path dir;
        Path copy;
        try {
            dir = Files.createTempDirectory("mmproto-conform");
            // the plugin manager reads *.jar only: another name is still checked as a jar
            String name = jar.getFileName().toString();
            copy = dir.resolve(name.endsWith(".jar") ? name : name + ".jar");
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PluginCatalog catalog = new DriverPlugins().load(dir);
        PluginInfo info = catalog.plugins().get(0);
        if (info.failed() || catalog.drivers().isEmpty()) {
            String why = info.failed() ? asGiven(info.error(), copy, jar) : jar + ": no PrivateNodeDriver extension";
            catalog.close();
            delete(dir);
            throw new LoadFailure(why);
        }
        DriverExtension ext = className == null ? catalog.drivers().get(0) : catalog.drivers().stream()
                .filter(x -> x.className().equals(className)).findFirst().orElse(null);
        String mismatch = ext == null ? jar.getFileName() + " has no driver " + className + "; it has "
                + String.join(", ", catalog.drivers().stream().map(DriverExtension::className).toList())
                : pluginId != null && !ext.pluginId().equals(pluginId) ? jar.getFileName() + " is plugin '" + ext.pluginId()
                + "' (its manifest's Plugin-Id), the test names '" + pluginId + "'" : null;
        if (mismatch != null) {
            catalog.close();
            delete(dir);
            throw new LoadFailure(mismatch);
        }
        RunSetup setup = new RunFactory(catalog).setup(null, budget);
        return new LoadedDriver(ext.pluginId(), setup.drivers().get(ext.id()), setup.context(), setup.designs(), jar,
                catalog, dir);
    }

    /**
     * The plugin manager's error about the temporary copy, naming the file the user gave instead:
     * its path as given where the error names the copy's path or starts with the copy's name.
     */
    static String asGiven(String error, Path copy, Path given) {
        String e = error.replace(copy.toString(), given.toString());
        String copyName = copy.getFileName().toString();
        return e.startsWith(copyName) ? given + e.substring(copyName.length()) : e;
    }

    /** A driver class of the test class path, created by Guice with the node's DriverContext injectable. */
    static LoadedDriver fromType(Class<? extends PrivateNodeDriver> type, String pluginId) {
        HostServicesHolder holder = new HostServicesHolder();
        var injector = Guice.createInjector(b -> b.bind(DriverContext.class).toProvider(holder::driverContext));
        Path classes;
        try {
            classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new LoadedDriver(pluginId, () -> injector.getInstance(type), holder, RunSetup.builtInDesigns(), classes,
                PluginCatalog.empty(), null);
    }

    /**
     * Adds the design plugins of the jars in {@code dir} (loaded as {@code --plugins DIR} loads
     * them) to the designs the driver is checked under; a design of the same name as one already
     * there (built in, or the driver jar's own, e.g. the jar under test lying in {@code dir}) is
     * not added twice. Drivers in {@code dir} are ignored.
     *
     * @return the errors of the jars that did not load (their designs are missing)
     * @throws IllegalArgumentException when {@code dir} is not a directory
     */
    List<String> addDesignPlugins(Path dir, Duration budget) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--plugins " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
                    + "; expected a directory of design plugin jars");
        }
        PluginCatalog more = new DriverPlugins().load(dir);
        designCatalogs.add(more);
        new RunFactory(more).setup(null, budget).designs().forEach(designs::putIfAbsent);
        return more.failed().stream().map(PluginInfo::error).toList();
    }

    /** The design names in compare order (unpatched first). */
    List<String> designNames() {
        return designs.keySet().stream().sorted(Comparator.comparing((String n) -> !n.equals("unpatched"))
                .thenComparing(Comparator.naturalOrder())).toList();
    }

    @Override
    public void close() {
        designCatalogs.forEach(PluginCatalog::close);
        catalog.close();
        if (tempDir != null) {
            delete(tempDir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
