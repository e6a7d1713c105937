package org.mmproto.conformance;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * What the kit checks: a plugin jar, loaded as the plugin manager loads it ({@code mmproto
 * conform}), or a driver class on the test class path of the driver's own build (the JUnit base
 * class), each with the per-node configuration its bindings get.
 */
public sealed interface DriverUnderTest permits DriverUnderTest.Jar, DriverUnderTest.Type {
    Map<String, Object> config();

    /** A plugin jar; its first driver extension is checked. */
    record Jar(Path jar, Map<String, Object> config) implements DriverUnderTest {
        public Jar {
            Objects.requireNonNull(jar, "jar");
            config = Map.copyOf(config);
        }
    }

    /**
     * A driver class; {@code jar} is its packaged jar when the build made one (then the
     * descriptor and lifecycle rules are checked on it), else null.
     */
    record Type(Class<? extends PrivateNodeDriver> type, String pluginId, Path jar, Map<String, Object> config)
            implements DriverUnderTest {
        public Type {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(pluginId, "pluginId");
            config = Map.copyOf(config);
        }
    }
}
