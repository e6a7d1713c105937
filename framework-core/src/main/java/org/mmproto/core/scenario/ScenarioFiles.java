package org.mmproto.core.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Suggestions;

/**
 * Finds scenario files: a path as given, or a bundled scenario by name in the repository's
 * {@code scenarios/} directory. That directory is looked for in the working directory and then
 * above the code's location ({@code framework-core/target/mmproto.jar} → the repository root), so
 * {@code ./mmproto run} works from any directory.
 */
public final class ScenarioFiles {
    /** The scenario {@code run} uses without an argument. */
    public static final String DEFAULT = "default";

    private ScenarioFiles() {
    }

    /** Candidate {@code scenarios/} directories, in search order. */
    static List<Path> searchDirs() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(Path.of("scenarios").toAbsolutePath().normalize());
        // a module directory of the checkout (tests run there)
        dirs.add(Path.of("..", "scenarios").toAbsolutePath().normalize());
        Path loc = codeLocation();
        int depth = 0;
        for (Path p = loc; p != null && depth < 5; p = p.getParent(), depth++) {
            dirs.add(p.resolve("scenarios").normalize());
        }
        return new ArrayList<>(dirs);
    }

    private static Path codeLocation() {
        try {
            var src = ScenarioFiles.class.getProtectionDomain().getCodeSource();
            return src == null ? null : Path.of(src.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The bundled scenarios directory: the first candidate holding {@code default.yaml}. */
    public static Optional<Path> bundledDir() {
        for (Path d : searchDirs()) {
            if (Files.isRegularFile(d.resolve(DEFAULT + ".yaml"))) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * Every {@code *.yaml} under the bundled directory, its subdirectories included
     * ({@code scenarios/thread/}): the top level's by name, then each subdirectory's (empty when
     * there is none).
     */
    public static List<Path> bundled() {
        Optional<Path> dir = bundledDir();
        return dir.isEmpty() ? List.of() : under(dir.get());
    }

    /**
     * Every {@code *.yaml} scenario file under {@code dir}, recursively, in the order
     * {@link #bundled()} uses: a directory's own files by name before its subdirectories'.
     */
    public static List<Path> under(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing((Path p) -> dir.relativize(p).getNameCount())
                            .thenComparing(p -> dir.relativize(p).toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bundled scenario names: the path under {@code scenarios/} without .yaml ({@code mbind}, {@code thread/case-01}). */
    public static List<String> bundledNames() {
        Optional<Path> dir = bundledDir();
        List<String> names = new ArrayList<>();
        for (Path p : bundled()) {
            names.add(nameOf(dir.orElseThrow(), p));
        }
        return names;
    }

    /** The bundled name of {@code file} under {@code dir}: its relative path, '/'-separated, without .yaml. */
    public static String nameOf(Path dir, Path file) {
        String rel = dir.relativize(file).toString().replace('\\', '/');
        return rel.endsWith(".yaml") ? rel.substring(0, rel.length() - ".yaml".length()) : rel;
    }

    /**
     * The scenario an argument names: null = the default scenario; an existing file; or a bundled
     * scenario name ({@code mbind}, {@code mbind.yaml}).
     *
     * @throws ConfigException listing the bundled scenarios when nothing matches
     */
    public static Path resolve(String arg) {
        if (arg == null) {
            return bundledDir().map(d -> relativeToCwd(d.resolve(DEFAULT + ".yaml"))).orElseThrow(() -> new ConfigException(
                    "scenarios/" + DEFAULT + ".yaml", "no bundled scenarios directory found (looked in "
                    + searchDirs() + "); give a scenario file"));
        }
        Path path = null;
        try {
            path = Path.of(arg);
        } catch (InvalidPathException e) {
            // not a path; try the names
        }
        if (path != null && Files.exists(path) && !Files.isDirectory(path)) {
            return path; // a device or pipe is reported by the reader as not a regular file
        }
        Optional<Path> dir = bundledDir();
        // a bundled name may name a subdirectory's scenario (thread/case-01), never leave the directory
        if (dir.isPresent() && path != null && !arg.contains("\\") && !path.isAbsolute()
                && !path.normalize().startsWith("..")) {
            String file = arg.endsWith(".yaml") ? arg : arg + ".yaml";
            Path p = dir.get().resolve(file);
            if (Files.isRegularFile(p)) {
                return relativeToCwd(p);
            }
        }
        List<String> names = bundledNames();
        String what = path != null && Files.isDirectory(path) ? "is a directory" : "no such file and no bundled scenario"
                + " of that name";
        throw new ConfigException(arg, what + Suggestions.didYouMean(arg.replace(".yaml", ""), names)
                + (names.isEmpty() ? "" : "; bundled scenarios: " + String.join(", ", names)));
    }

    /** {@code scenarios/x.yaml} rather than an absolute path when the file is under the working directory. */
    private static Path relativeToCwd(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
    }
}
