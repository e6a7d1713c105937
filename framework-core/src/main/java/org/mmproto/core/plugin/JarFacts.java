package org.mmproto.core.plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

/**
 * What a plugin jar holds, read before PF4J sees it: the manifest's {@code Plugin-*} entries,
 * the extension index, and class files of packages that must not be inside a plugin.
 *
 * @param pluginId {@code Plugin-Id}, null when absent
 * @param version {@code Plugin-Version}, null when absent
 * @param requires {@code Plugin-Requires}, "" when absent
 * @param extensionIndex class names listed in {@code META-INF/extensions.idx}; null when the jar has no index
 * @param bundled per forbidden package prefix (as a path, e.g. {@code org/mmproto/api/}), the class files found under it
 */
record JarFacts(String pluginId, String version, String requires, String provider, String description,
        List<String> extensionIndex, Map<String, List<String>> bundled) {

    /** Packages whose classes come from the host: the jar's own copies are an error (API, engine) or ignored (the rest). */
    static final List<String> HOST_PACKAGES = List.of("org/mmproto/api/", "org/mmproto/core/", "org/pf4j/",
            "jakarta/inject/", "org/slf4j/", "com/google/inject/");

    /** Reads a jar; a file that is not a zip, or has no manifest, yields a message instead. */
    static JarFacts read(Path jar) throws BadJarException {
        try (JarFile jf = new JarFile(jar.toFile())) {
            Manifest mf = jf.getManifest();
            if (mf == null) {
                throw new BadJarException("no plugin descriptor: the jar has no META-INF/MANIFEST.MF (Plugin-Id, Plugin-Version, ...)");
            }
            Attributes a = mf.getMainAttributes();
            List<String> index = null;
            JarEntry idx = jf.getJarEntry(ApiOnlyPluginClassLoader.EXTENSIONS_IDX);
            if (idx != null) {
                index = new ArrayList<>();
                try (BufferedReader r = new BufferedReader(new InputStreamReader(jf.getInputStream(idx), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        String s = line.strip();
                        if (!s.isEmpty() && !s.startsWith("#")) {
                            index.add(s);
                        }
                    }
                }
            }
            Map<String, List<String>> bundled = new LinkedHashMap<>();
            for (Enumeration<JarEntry> en = jf.entries(); en.hasMoreElements();) {
                String name = en.nextElement().getName();
                if (!name.endsWith(".class")) {
                    continue;
                }
                for (String p : HOST_PACKAGES) {
                    if (name.startsWith(p)) {
                        bundled.computeIfAbsent(p, k -> new ArrayList<>()).add(name);
                    }
                }
            }
            return new JarFacts(blankToNull(a.getValue("Plugin-Id")), blankToNull(a.getValue("Plugin-Version")),
                    nullToEmpty(a.getValue("Plugin-Requires")), blankToNull(a.getValue("Plugin-Provider")),
                    blankToNull(a.getValue("Plugin-Description")),
                    index == null ? null : Collections.unmodifiableList(index), Collections.unmodifiableMap(bundled));
        } catch (ZipException e) {
            throw new BadJarException("not a jar (zip) file: " + e.getMessage());
        } catch (IOException | SecurityException e) {
            throw new BadJarException("cannot read the jar: " + e);
        }
    }

    /** The classes of {@code prefix} found in the jar (empty if none). */
    List<String> bundledUnder(String prefix) {
        return bundled.getOrDefault(prefix, List.of());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    /** A jar that cannot be a plugin, with the reason. */
    static final class BadJarException extends Exception {
        private static final long serialVersionUID = 1L;

        BadJarException(String message) {
            super(message);
        }
    }
}
