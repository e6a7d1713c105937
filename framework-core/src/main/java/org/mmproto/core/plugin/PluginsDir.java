package org.mmproto.core.plugin;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Where plugin jars are looked for: {@code --plugins DIR} if given; else {@code plugins/} in the
 * current directory; else {@code plugins/} at the repository root found from the framework's
 * own location ({@code framework-core/target/mmproto.jar} or {@code framework-core/target/classes}
 * → {@code ../../plugins}).
 */
public final class PluginsDir {
    public static final String NAME = "plugins";

    private PluginsDir() {
    }

    /** The directory to use: the override as given, or the first default candidate that exists (else the first candidate). */
    public static Path resolve(String override) {
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        List<Path> candidates = candidates();
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return candidates.get(0);
    }

    /** The default places, in order. */
    public static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        out.add(Path.of(NAME).toAbsolutePath().normalize());
        Path location = codeLocation();
        if (location != null) {
            // .../framework-core/target/mmproto.jar → target; .../framework-core/target/classes → target
            Path target = location.getParent();
            if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
                Path p = target.getParent().getParent().resolve(NAME).normalize();
                if (!out.contains(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    private static Path codeLocation() {
        CodeSource cs = PluginsDir.class.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return null;
        }
        try {
            return Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
