package org.mmproto.core.plugin;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads the driver (and design) plugins of a directory: every {@code *.jar} in it, in file-name
 * order, each checked on its own so that one bad jar never stops the others. A jar fails, with
 * a message naming it, when {@link JarFacts} cannot read it (not a zip), {@link JarChecks} finds
 * its descriptor, version, bundled classes or extension index wrong, PF4J cannot load, resolve or
 * start it, or {@link ExtensionScan} finds an extension class that cannot be loaded, is not a
 * driver or design of the host's API, or cannot be created by Guice.
 */
public final class DriverPlugins {
    private final String systemVersion;
    private final HostServices host;

    /** The framework's own version, and no engine services yet ({@link HostServices#unbound()}). */
    public DriverPlugins() {
        this(FrameworkVersion.systemVersion(), HostServices.unbound());
    }

    /**
     * @param systemVersion the x.y.z that {@code Plugin-Requires} is checked against
     * @param host the services extensions created by the catalog's factories are injected with
     */
    public DriverPlugins(String systemVersion, HostServices host) {
        this.systemVersion = Objects.requireNonNull(systemVersion, "systemVersion");
        this.host = Objects.requireNonNull(host, "host");
    }

    /** Loads every jar of {@code dir}. The caller closes the catalog to release the class loaders. */
    public PluginCatalog load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("plugins directory " + dir + " does not exist");
        }
        Path root = dir.toAbsolutePath().normalize();
        MmprotoPluginManager manager = new MmprotoPluginManager(root, systemVersion);
        Injector hostInjector = Guice.createInjector(Stage.PRODUCTION, new HostModule(host));
        GuiceExtensionFactory factory = new GuiceExtensionFactory(hostInjector, manager);
        manager.useExtensionFactory(factory);
        manager.addPluginStateListener(factory);

        JarChecks checks = new JarChecks(manager, systemVersion);
        Map<Path, PluginInfo> done = new LinkedHashMap<>();
        Map<String, Path> jarOf = new LinkedHashMap<>();
        Map<String, JarFacts> factsOf = new LinkedHashMap<>();
        for (Path jar : jars(root)) {
            JarFacts facts;
            try {
                facts = JarFacts.read(jar);
            } catch (JarFacts.BadJarException e) {
                done.put(jar, PluginInfo.failed(jar, null, e.getMessage()));
                continue;
            }
            String problem = checks.problem(facts, jarOf);
            if (problem == null) {
                problem = loadInto(manager, jar, facts);
            }
            if (problem != null) {
                done.put(jar, PluginInfo.failed(jar, facts, problem));
            } else {
                jarOf.put(facts.pluginId(), jar);
                factsOf.put(facts.pluginId(), facts);
                done.put(jar, null);
            }
        }

        manager.resolveAll().forEach((id, why) -> fail(done, manager, jarOf.get(id), factsOf.get(id), why));
        manager.startPlugins();

        Map<String, Set<Class<?>>> extensionClasses = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : jarOf.entrySet()) {
            String id = e.getKey();
            Path jar = e.getValue();
            if (done.get(jar) != null) {
                continue;
            }
            PluginWrapper w = manager.getPlugin(id);
            JarFacts facts = factsOf.get(id);
            if (w.getPluginState() == PluginState.DISABLED) {
                done.put(jar, info(facts, PluginState.DISABLED, jar, List.of(), List.of()));
            } else if (w.getPluginState() != PluginState.STARTED) {
                Throwable t = w.getFailedException();
                fail(done, manager, jar, facts, "did not start (" + w.getPluginState() + ")" + (t == null ? "" : ": " + t));
            } else {
                ExtensionScan scan = new ExtensionScan(id, w.getPluginClassLoader(), factory);
                scan.run(facts.extensionIndex());
                if (!scan.errors.isEmpty()) {
                    fail(done, manager, jar, facts, String.join("; ", scan.errors));
                } else {
                    extensionClasses.put(id, scan.classes);
                    done.put(jar, info(facts, PluginState.STARTED, jar, scan.drivers, scan.designs));
                }
            }
        }
        return new PluginCatalog(root, systemVersion, new ArrayList<>(done.values()), manager, extensionClasses);
    }

    /** Hands the jar to PF4J; null when it loaded (possibly DISABLED by disabled.txt). */
    private static String loadInto(MmprotoPluginManager manager, Path jar, JarFacts facts) {
        PluginWrapper w;
        try {
            w = manager.loadJar(jar);
        } catch (RuntimeException e) {
            return "PF4J cannot load it: " + e.getMessage();
        }
        if (w.getPluginState() == PluginState.DISABLED && !manager.requiresSatisfied(w)) {
            manager.unloadPlugin(w.getPluginId());
            return "incompatible framework version: Plugin-Requires " + facts.requires() + ", but this is mmproto "
                    + manager.getSystemVersion();
        }
        return null;
    }

    private static void fail(Map<Path, PluginInfo> done, MmprotoPluginManager manager, Path jar, JarFacts facts, String why) {
        done.put(jar, PluginInfo.failed(jar, facts, why));
        if (manager.getPlugin(facts.pluginId()) != null) {
            manager.unloadPlugin(facts.pluginId());
        }
    }

    private static PluginInfo info(JarFacts f, PluginState state, Path jar, List<DriverExtension> drivers,
            List<DesignExtension> designs) {
        return new PluginInfo(f.pluginId(), f.version(), state, jar, f.provider(), f.description(), f.requires(), drivers,
                designs, null);
    }

    private static List<Path> jars(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)
                    && !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugins directory " + dir, e);
        }
    }
}
