package org.mmproto.core.plugin;

import java.util.Objects;
import java.util.function.Supplier;
import org.mmproto.api.design.Design;

/**
 * A {@link Design} extension of a loaded plugin, with what it said about itself at load time.
 *
 * @param name {@code design.name()}: the name scenarios and --design use
 * @param factory a fresh design per call
 */
public record DesignExtension(String name, String summary, String source, String pluginId, Class<? extends Design> type,
        Supplier<Design> factory) {
    public DesignExtension {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        summary = summary == null ? "" : summary;
        source = source == null ? "" : source;
    }

    public Design newInstance() {
        return factory.get();
    }

    public String className() {
        return type.getName();
    }
}
