package org.mmproto.core.plugin;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.HookMethods;
import org.mmproto.core.hooks.HookStats;

/**
 * Loads, checks and instantiates once each class of a started plugin's extension index: each
 * must load through the plugin's class loader, be concrete, be a {@link PrivateNodeDriver} or a
 * {@link Design} of the host's API (a twin from a bundled copy is named as such), and be created
 * by Guice (a constructor that hangs is cut off). Used once per plugin; {@link #errors} empty
 * means {@link #drivers} and {@link #designs} are its extensions.
 */
final class ExtensionScan {
    /** How long creating one extension may take at load time before the jar fails. */
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(10);

    private final String pluginId;
    private final ClassLoader loader;
    private final GuiceExtensionFactory factory;
    final List<String> errors = new ArrayList<>();
    final Set<Class<?>> classes = new LinkedHashSet<>();
    final List<DriverExtension> drivers = new ArrayList<>();
    final List<DesignExtension> designs = new ArrayList<>();

    ExtensionScan(String pluginId, ClassLoader loader, GuiceExtensionFactory factory) {
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
