package org.mmproto.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The framework's version, as Maven filtered it into {@code framework.properties}, and the
 * release part of it that a plugin's {@code Plugin-Requires} is checked against.
 */
public final class FrameworkVersion {
    private static final String RESOURCE = "framework.properties";
    private static final String CURRENT = read();

    private FrameworkVersion() {
    }

    /** The full version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        return CURRENT;
    }

    /**
     * The version PF4J compares {@code Plugin-Requires} with: {@link #current()} without its
     * qualifier, since semver orders {@code 0.1.0-SNAPSHOT} before {@code 0.1.0} and a plugin
     * built with the same reactor says {@code >=0.1.0}.
     */
    public static String systemVersion() {
        return release(CURRENT);
    }

    static String release(String version) {
        int dash = version.indexOf('-');
        String core = dash < 0 ? version : version.substring(0, dash);
        if (!core.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new IllegalStateException("framework version '" + version + "' is not x.y.z[-qualifier]");
        }
        return core;
    }

    private static String read() {
        try (InputStream in = FrameworkVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " next to " + FrameworkVersion.class.getName());
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            if (v.isEmpty() || v.startsWith("${")) {
                throw new IllegalStateException(RESOURCE + " was not filtered by Maven: version=" + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
