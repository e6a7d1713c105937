package org.mmproto.core.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.pf4j.PluginState;

/**
 * One jar of the plugins directory and what became of it.
 *
 * @param id {@code Plugin-Id}; null when the jar has no descriptor
 * @param version {@code Plugin-Version}; null when unknown
 * @param state STARTED (extensions usable), DISABLED (listed in disabled.txt) or FAILED (see {@link #error()})
 * @param jar the jar file
 * @param requires {@code Plugin-Requires} ("" when absent)
 * @param drivers its driver extensions (empty unless STARTED)
 * @param designs its design extensions (empty unless STARTED)
 * @param error why it failed, starting with the jar's file name; null unless FAILED
 */
public record PluginInfo(String id, String version, PluginState state, Path jar, String provider, String description,
        String requires, List<DriverExtension> drivers, List<DesignExtension> designs, String error) {
    public PluginInfo {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(jar, "jar");
        requires = requires == null ? "" : requires;
        drivers = List.copyOf(drivers);
        designs = List.copyOf(designs);
        if ((state == PluginState.FAILED) != (error != null)) {
            throw new IllegalArgumentException("a FAILED plugin, and only that, has an error: " + state + " / " + error);
        }
    }

    static PluginInfo failed(Path jar, JarFacts facts, String reason) {
        String id = facts == null ? null : facts.pluginId();
        String version = facts == null ? null : facts.version();
        return new PluginInfo(id, version, PluginState.FAILED, jar, facts == null ? null : facts.provider(),
                facts == null ? null : facts.description(), facts == null ? "" : facts.requires(), List.of(), List.of(),
                jar.getFileName() + ": " + reason);
    }

    public boolean failed() {
        return state == PluginState.FAILED;
    }

    public boolean started() {
        return state == PluginState.STARTED;
    }

    /** The id, or the jar's file name when there is none. */
    public String label() {
        return id != null ? id : jar.getFileName().toString();
    }
}
