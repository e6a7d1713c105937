package org.mmproto.core.plugin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.mmproto.api.design.Design;
import org.mmproto.core.hooks.designs.BuiltInDesigns;

/**
 * Every design a run may pick, by name: the built-in ones and those of started plugins. Two
 * designs with the same name are an error that names both origins. The one way the host finds
 * designs: commands list and check names here, a run's injector binds its entries.
 */
public final class DesignRegistry {

    /**
     * One design by name.
     *
     * @param builtIn the instance, for a built-in design; null for a plugin's
     * @param plugin the plugin's extension; null for a built-in design
     */
    public record Entry(String name, String summary, String source, Design builtIn, DesignExtension plugin) {
        public boolean isBuiltIn() {
            return builtIn != null;
        }

        /** "built-in (org...Class)" or "plugin foo (foo-1.0.jar)". */
        public String origin() {
            return builtIn != null ? "built-in (" + builtIn.getClass().getName() + ")"
                    : "plugin " + plugin.pluginId() + " (" + plugin.className() + ")";
        }
    }

    private final Map<String, Entry> byName;
    private final List<String> builtInOrder;

    private DesignRegistry(Map<String, Entry> byName, List<String> builtInOrder) {
        this.byName = Collections.unmodifiableMap(byName);
        this.builtInOrder = List.copyOf(builtInOrder);
    }

    /** The built-in designs ({@link BuiltInDesigns}) and the catalog's plugin designs. */
    public static DesignRegistry of(PluginCatalog plugins) {
        return of(BuiltInDesigns.all(), plugins);
    }

    /**
     * Merges the built-in designs with the designs of the catalog's started plugins.
     *
     * @throws IllegalArgumentException when two designs share a name (naming both), or a design has no name
     */
    public static DesignRegistry of(Collection<? extends Design> builtIns, PluginCatalog plugins) {
        Map<String, Entry> byName = new TreeMap<>();
        List<String> builtInOrder = new ArrayList<>();
        for (Design d : builtIns) {
            Objects.requireNonNull(d, "built-in design");
            add(byName, new Entry(requireName(d.name(), d.getClass().getName()), d.summary(), d.source(), d, null));
            builtInOrder.add(d.name());
        }
        for (DesignExtension d : plugins.designs()) {
            add(byName, new Entry(requireName(d.name(), d.className()), d.summary(), d.source(), null, d));
        }
        return new DesignRegistry(byName, builtInOrder);
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("design " + what + " has no name()");
        }
        return name;
    }

    private static void add(Map<String, Entry> byName, Entry e) {
        Entry old = byName.putIfAbsent(e.name(), e);
        if (old != null) {
            throw new IllegalArgumentException("two designs are named '" + e.name() + "': " + old.origin() + " and "
                    + e.origin() + "; design names must be unique");
        }
    }

    /** Design names, sorted. */
    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    /** The order {@code compare} shows designs in: the built-in ones as given (the baseline first), then plugin designs by name. */
    public List<String> comparisonOrder() {
        List<String> out = new ArrayList<>(builtInOrder);
        byName.keySet().stream().filter(n -> !out.contains(n)).forEach(out::add);
        return out;
    }

    /** Entries, sorted by name. */
    public List<Entry> entries() {
        return new ArrayList<>(byName.values());
    }

    public Optional<Entry> entry(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The design of that name: the built-in instance, or a fresh instance of the plugin's design
     * (made by the catalog's factory; a run takes designs from its injector's {@code Map<String, Design>}).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public Design get(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no design '" + name + "'; known designs: "
                    + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
        }
        return e.isBuiltIn() ? e.builtIn() : e.plugin().newInstance();
    }
}
