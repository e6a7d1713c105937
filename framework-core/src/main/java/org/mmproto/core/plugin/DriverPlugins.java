package org.mmproto.core.plugin;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.HookStats;
import org.mmproto.core.hooks.HookMethods;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads the driver (and design) plugins of a directory: every {@code *.jar} in it, in file-name
 * order, each checked on its own so that one bad jar never stops the others. A jar fails, with
 * a message naming it, when it is not a zip, has no {@code Plugin-Id}/{@code Plugin-Version},
 * requires another framework version, bundles framework classes, has no (or an empty)
 * {@code META-INF/extensions.idx}, lists an extension class that cannot be loaded, is not a
 * {@link PrivateNodeDriver} or {@link Design}, or cannot be created by Guice (a failed static
 * initializer is reported with its cause; a constructor that hangs is cut off).
 */
public final class DriverPlugins {
    /** How long creating one extension may take at load time before the jar fails. */
    private static final java.time.Duration CREATE_TIMEOUT = java.time.Duration.ofSeconds(10);
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
            String problem = precheck(facts, jarOf, manager);
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
                Scan scan = new Scan(id, w.getPluginClassLoader(), factory);
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

    /** Checks that need no class loader; null when the jar may be handed to PF4J. */
    private String precheck(JarFacts facts, Map<String, Path> jarOf, MmprotoPluginManager manager) {
        if (facts.pluginId() == null) {
            return "no plugin descriptor: the manifest has no Plugin-Id (a plugin jar needs Plugin-Id and Plugin-Version entries)";
        }
        if (facts.version() == null) {
            return "incomplete plugin descriptor: the manifest has Plugin-Id '" + facts.pluginId() + "' but no Plugin-Version";
        }
        if (jarOf.containsKey(facts.pluginId())) {
            return "Plugin-Id '" + facts.pluginId() + "' is already taken by " + jarOf.get(facts.pluginId()).getFileName();
        }
        String requires = requiresProblem(facts, manager);
        if (requires != null) {
            return requires;
        }
        List<String> api = facts.bundledUnder("org/mmproto/api/");
        if (!api.isEmpty()) {
            return "bundles its own copy of framework-api (" + api.size() + " classes under org/mmproto/api/, e.g. "
                    + api.get(0) + "): its extensions would implement a second PrivateNodeDriver/Design that the host "
                    + "cannot use; build the plugin with framework-api as <scope>provided</scope>";
        }
        List<String> core = facts.bundledUnder("org/mmproto/core/");
        if (!core.isEmpty()) {
            return "bundles framework-core classes (" + core.size() + " under org/mmproto/core/, e.g. " + core.get(0)
                    + "): a plugin may depend on framework-api only";
        }
        if (facts.extensionIndex() == null) {
            return "no META-INF/extensions.idx, so no extensions: compile the plugin with pf4j on the class path and "
                    + "annotation processing on (-proc:full) and mark the driver @org.pf4j.Extension";
        }
        if (facts.extensionIndex().isEmpty()) {
            return "META-INF/extensions.idx lists no extensions (no class is marked @org.pf4j.Extension)";
        }
        return null;
    }

    private String requiresProblem(JarFacts facts, MmprotoPluginManager manager) {
        String requires = facts.requires();
        if (requires.isEmpty() || requires.equals("*")) {
            return null;
        }
        String expr = requires.matches("\\d+\\.\\d+\\.\\d+") ? ">=" + requires : requires;
        boolean ok;
        try {
            ok = manager.getVersionManager().checkVersionConstraint(systemVersion, expr);
        } catch (RuntimeException e) {
            return "Plugin-Requires '" + requires + "' is not a version expression (" + e.getMessage() + ")";
        }
        return ok ? null
                : "incompatible framework version: Plugin-Requires " + requires + ", but this is mmproto " + systemVersion;
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

    /** Loads, checks and instantiates once each class of a started plugin's extension index. */
    private static final class Scan {
        private final String pluginId;
        private final ClassLoader loader;
        private final GuiceExtensionFactory factory;
        final List<String> errors = new ArrayList<>();
        final Set<Class<?>> classes = new LinkedHashSet<>();
        final List<DriverExtension> drivers = new ArrayList<>();
        final List<DesignExtension> designs = new ArrayList<>();

        Scan(String pluginId, ClassLoader loader, GuiceExtensionFactory factory) {
            this.pluginId = pluginId;
            this.loader = loader;
            this.factory = factory;
        }

        void run(List<String> index) {
            List<Class<? extends PrivateNodeDriver>> driverTypes = new ArrayList<>();
            List<Class<? extends Design>> designTypes = new ArrayList<>();
            for (String name : index) {
                Class<?> c = load(name);
                if (c == null) {
                    continue;
                }
                if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                    errors.add("extension class " + name + " is abstract");
                } else if (PrivateNodeDriver.class.isAssignableFrom(c)) {
                    driverTypes.add(c.asSubclass(PrivateNodeDriver.class));
                } else if (Design.class.isAssignableFrom(c)) {
                    designTypes.add(c.asSubclass(Design.class));
                } else {
                    errors.add(notAssignable(c));
                }
            }
            if (!errors.isEmpty()) {
                return;
            }
            classes.addAll(driverTypes);
            classes.addAll(designTypes);
            factory.register(pluginId, classes);
            for (Class<? extends PrivateNodeDriver> t : driverTypes) {
                String id = driverTypes.size() == 1 ? pluginId : pluginId + "/" + t.getSimpleName();
                driver(id, t);
            }
            for (Class<? extends Design> t : designTypes) {
                design(t);
            }
        }

        private Class<?> load(String name) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException e) {
                errors.add("extension class " + name + " listed in META-INF/extensions.idx is not in the jar");
            } catch (LinkageError e) {
                errors.add("extension class " + name + " cannot be loaded: " + e
                        + " (a plugin sees only " + HostExports.describe() + " of the host)");
            }
            return null;
        }

        /** Explains why a loaded class is no extension the host can use. */
        private static String notAssignable(Class<?> c) {
            for (Class<?> point : List.of(PrivateNodeDriver.class, Design.class)) {
                Class<?> twin = supertypeNamed(c, point.getName());
                if (twin != null) {
                    return "extension class " + c.getName() + " implements a different " + point.getName()
                            + " (loaded by " + twin.getClassLoader() + ", not the host): the plugin carries its own "
                            + "copy of framework-api; take framework-api as <scope>provided</scope>";
                }
            }
            return "extension class " + c.getName() + " is neither a " + PrivateNodeDriver.class.getName() + " nor a "
                    + Design.class.getName();
        }

        private static Class<?> supertypeNamed(Class<?> c, String name) {
            if (c == null) {
                return null;
            }
            if (c.getName().equals(name)) {
                return c;
            }
            for (Class<?> i : c.getInterfaces()) {
                Class<?> found = supertypeNamed(i, name);
                if (found != null) {
                    return found;
                }
            }
            return supertypeNamed(c.getSuperclass(), name);
        }

        /** Creates one instance (on its own thread, so a hanging constructor is cut off) to prove Guice can. */
        private void driver(String id, Class<? extends PrivateNodeDriver> type) {
            try (Containment c = new Containment(CREATE_TIMEOUT, new HookStats())) {
                c.bind(id, 0, () -> factory.create(type));
            } catch (Containment.BindFailure e) {
                errors.add("driver " + type.getName() + ": " + (e.getCause() == null ? e.getMessage() : failure(e.getCause())));
                return;
            }
            drivers.add(new DriverExtension(id, pluginId, type, HookMethods.implemented(type), () -> factory.create(type)));
        }

        /** A refused call or a failed static initializer says so (with its cause); else the exception's message. */
        private static String failure(Throwable t) {
            String described = Containment.describe(t);
            return described.equals(t.toString()) ? message(t) : described;
        }

        private void design(Class<? extends Design> type) {
            Design sample;
            String name;
            String summary;
            String source;
            try {
                sample = factory.create(type);
                name = sample.name();
                summary = sample.summary();
                source = sample.source();
            } catch (RuntimeException | LinkageError e) {
                errors.add("design " + type.getName() + ": " + failure(e));
                return;
            }
            if (name == null || name.isBlank()) {
                errors.add("design " + type.getName() + ": name() is empty");
                return;
            }
            for (DesignExtension d : designs) {
                if (d.name().equals(name)) {
                    errors.add("designs " + d.className() + " and " + type.getName() + " are both named '" + name + "'");
                    return;
                }
            }
            designs.add(new DesignExtension(name, summary, source, pluginId, type, () -> factory.create(type)));
        }

        private static String message(Throwable e) {
            return e.getMessage() != null ? e.getMessage() : e.toString();
        }
    }
}
