package org.mmproto.core.plugin;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * A {@link PrivateNodeDriver} extension of a loaded plugin.
 *
 * @param id what scenarios name it by: the plugin id, or {@code pluginId/SimpleClassName} when the plugin has several drivers
 * @param pluginId the plugin that ships it
 * @param type the extension class (loaded by the plugin's class loader: use it only through the API)
 * @param hooks the callbacks its class implements (overrides), in {@link Hook} order
 * @param factory a fresh driver per call (one per run and node binding), created by the loader's Guice factory
 */
public record DriverExtension(String id, String pluginId, Class<? extends PrivateNodeDriver> type, Set<Hook> hooks,
        Supplier<PrivateNodeDriver> factory) {
    public DriverExtension {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(type, "type");
        hooks = hooks.isEmpty() ? Collections.unmodifiableSet(EnumSet.noneOf(Hook.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(hooks));
        Objects.requireNonNull(factory, "factory");
    }

    /** A new driver instance (the catalog's factory; a run uses {@link DriverRegistry#create}). */
    public PrivateNodeDriver newInstance() {
        return factory.get();
    }

    public String className() {
        return type.getName();
    }
}
