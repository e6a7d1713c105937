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
    /**
     * The system property a build sets to the packaged plugin jar when it runs its conformance
     * test after {@code package} (failsafe's integration-test phase); the JUnit base class reads it.
     */
    String JAR_PROPERTY = "mmproto.conform.jar";

    Map<String, Object> config();

    /** The plugin jar the kit loads, or null (a class of the build, not packaged). */
    Path pluginJar();

    /** A plugin jar; its first driver extension is checked. */
    record Jar(Path jar, Map<String, Object> config) implements DriverUnderTest {
        public Jar {
            Objects.requireNonNull(jar, "jar");
            config = Map.copyOf(config);
        }

        @Override
        public Path pluginJar() {
            return jar;
        }
    }

    /**
     * A driver class; {@code jar} is its packaged jar when the build made one: then the kit loads
     * the jar as the plugin manager does, checks that it ships this class under this plugin id,
     * and runs every rule on the jar's driver; else null, and the class of the build is checked
     * (R1.1 skipped, R3.8 on its class files, R6.4 without the reload).
     */
    record Type(Class<? extends PrivateNodeDriver> type, String pluginId, Path jar, Map<String, Object> config)
            implements DriverUnderTest {
        public Type {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(pluginId, "pluginId");
            config = Map.copyOf(config);
        }

        @Override
        public Path pluginJar() {
            return jar;
        }
    }
}
