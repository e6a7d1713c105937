package org.mmproto.core.plugin;

import java.util.List;

/**
 * What a plugin may see of the host: the driver API, PF4J, jakarta.inject and SLF4J (plus the
 * JDK). Everything else on the host class path (the engine, Guice, picocli, YAML, ...) is
 * invisible to plugin code.
 */
public final class HostExports {
    /** Packages a plugin gets from the host, never from its own jar. */
    public static final List<String> PACKAGES = List.of("org.mmproto.api", "org.pf4j", "jakarta.inject", "org.slf4j");

    private static final List<String> CLASS_PREFIXES = PACKAGES.stream().map(p -> p + ".").toList();
    private static final List<String> RESOURCE_PREFIXES = PACKAGES.stream().map(p -> p.replace('.', '/') + "/").toList();

    private HostExports() {
    }

    /** Whether a class (binary name) comes from the host. {@code java.*} is always the JDK's. */
    public static boolean exportsClass(String className) {
        for (String p : CLASS_PREFIXES) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a resource path lies in an exported package. */
    public static boolean exportsResource(String name) {
        String n = name.startsWith("/") ? name.substring(1) : name;
        for (String p : RESOURCE_PREFIXES) {
            if (n.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** For messages: "org.mmproto.api, org.pf4j, jakarta.inject, org.slf4j and the JDK". */
    public static String describe() {
        return String.join(", ", PACKAGES) + " and the JDK";
    }
}
