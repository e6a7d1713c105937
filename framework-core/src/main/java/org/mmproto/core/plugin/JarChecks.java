package org.mmproto.core.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The checks of a plugin jar that need no class loader, made before PF4J sees it: a descriptor
 * with {@code Plugin-Id} and {@code Plugin-Version}, an id no earlier jar took, a
 * {@code Plugin-Requires} this framework satisfies, no bundled framework classes, and a
 * non-empty {@code META-INF/extensions.idx}. Each problem is one sentence that says what to fix.
 */
final class JarChecks {
    private final MmprotoPluginManager manager;
    private final String systemVersion;

    JarChecks(MmprotoPluginManager manager, String systemVersion) {
        this.manager = manager;
        this.systemVersion = systemVersion;
    }

    /**
     * What is wrong with the jar; null when it may be handed to PF4J.
     *
     * @param jarOf the jars already accepted, by Plugin-Id
     */
    String problem(JarFacts facts, Map<String, Path> jarOf) {
        if (facts.pluginId() == null) {
            return "no plugin descriptor: the manifest has no Plugin-Id (a plugin jar needs Plugin-Id and Plugin-Version entries)";
        }
        if (facts.version() == null) {
            return "incomplete plugin descriptor: the manifest has Plugin-Id '" + facts.pluginId() + "' but no Plugin-Version";
        }
        if (jarOf.containsKey(facts.pluginId())) {
            return "Plugin-Id '" + facts.pluginId() + "' is already taken by " + jarOf.get(facts.pluginId()).getFileName();
        }
        String requires = requiresProblem(facts);
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

    private String requiresProblem(JarFacts facts) {
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
}
