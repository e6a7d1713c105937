package org.mmproto.core.machine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.mmproto.core.config.ConfigException;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.config.YamlTree;

/**
 * Loads machine descriptions: YAML machine files ({@link MachineYamlParser}), saved
 * {@code numactl --hardware} output ({@link NumactlHardwareParser}), and the machines bundled on
 * the classpath under {@code /machines/<name>.yaml}.
 *
 * <p>The format is chosen by content, not by file name: text with a line starting with
 * {@code available:} is numactl output, anything else is YAML. Every problem is a
 * {@link ConfigException} naming the file, line and what was expected.
 */
public final class MachineFiles {
    private static final String BUNDLED_DIR = "/machines/";
    /** Lists the bundled machine names, one a line; kept in step with the directory by a test. */
    private static final String BUNDLED_INDEX = BUNDLED_DIR + "index.txt";
    private static final String BUNDLED_PREFIX = "bundled:";

    private MachineFiles() {
    }

    /** Loads a machine file (YAML or numactl text); the source name is the path as given. */
    public static MachineSpec load(Path file) {
        return parse(YamlTree.readText(file), file.toString());
    }

    /** Parses machine text; {@code sourceName} is used in errors and as {@link MachineSpec#source}. */
    public static MachineSpec parse(String text, String sourceName) {
        if (NumactlHardwareParser.looksLikeNumactl(text)) {
            return NumactlHardwareParser.parse(text, sourceName);
        }
        return MachineYamlParser.parse(text, sourceName);
    }

    /** A bundled machine by name ({@code default}, {@code single}, ...); source {@code bundled:<name>}. */
    public static MachineSpec bundled(String name) {
        if (!bundledNames().contains(name)) {
            throw new ConfigException(BUNDLED_PREFIX + name, "no bundled machine named '" + name
                    + "'" + Suggestions.didYouMean(name, bundledNames())
                    + "; bundled machines: " + String.join(", ", bundledNames()));
        }
        String text = readResource(BUNDLED_DIR + name + ".yaml");
        if (text == null) {
            throw new IllegalStateException("bundled machine " + name + " is in " + BUNDLED_INDEX
                    + " but " + BUNDLED_DIR + name + ".yaml is missing from the classpath");
        }
        return parse(text, BUNDLED_PREFIX + name);
    }

    /** The names of the bundled machines, in index order. */
    public static List<String> bundledNames() {
        String index = readResource(BUNDLED_INDEX);
        if (index == null) {
            throw new IllegalStateException(BUNDLED_INDEX + " is missing from the classpath");
        }
        List<String> names = new ArrayList<>();
        for (String line : index.split("\\R")) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                names.add(s);
            }
        }
        return List.copyOf(names);
    }

    /**
     * A command-line machine argument: a file if one exists at that path, else a bundled machine
     * of that name, else a {@link ConfigException} listing the bundled machines.
     */
    public static MachineSpec resolve(String arg) {
        Path path = null;
        try {
            path = Path.of(arg);
        } catch (InvalidPathException e) {
            // not a usable path: try the bundled names
        }
        if (path != null && Files.exists(path) && !Files.isDirectory(path)) {
            return load(path); // also a device or pipe, which load reports as not a regular file
        }
        List<String> names = bundledNames();
        if (names.contains(arg)) {
            return bundled(arg);
        }
        String what = path != null && Files.isDirectory(path) ? "is a directory"
                : "no such file and no bundled machine of that name";
        throw new ConfigException(arg, what + Suggestions.didYouMean(arg, names)
                + "; expected a machine file (YAML or numactl --hardware output) or one of the"
                + " bundled machines: " + String.join(", ", names));
    }

    private static String readResource(String name) {
        try (InputStream in = MachineFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(in, StandardCharsets.UTF_8))) {
                char[] buf = new char[8192];
                for (int k; (k = r.read(buf)) > 0; ) {
                    sb.append(buf, 0, k);
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }
}
