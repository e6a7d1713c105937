package org.mmproto.conformance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * Builds the deliberately broken drivers of {@code src/test/resources/broken/} into plugin jars:
 * one javac run for all of them against the test class path (framework-core included, so that
 * one can reference a host class), then a jar each with its descriptor and extension index (the
 * driver, and a nested {@code ...Design} class when the fixture ships a design plugin).
 */
final class BrokenDrivers {
    private BrokenDrivers() {
    }

    /** Compiles every source into {@code dir}/classes and writes {@code dir}/Name.jar for each. */
    static Path build(Path dir) throws IOException, URISyntaxException {
        Path src = Path.of(BrokenDrivers.class.getResource("/broken/Throws.java").toURI()).getParent();
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-proc:none", "-nowarn", "-d", classes.toString(), "-cp",
                System.getProperty("java.class.path")));
        try (Stream<Path> s = Files.list(src)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        int rc = ToolProvider.getSystemJavaCompiler().run(null, null, System.err, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed on the broken drivers: " + rc);
        }
        try (Stream<Path> s = Files.list(classes.resolve("broken"))) {
            for (Path c : s.filter(p -> !p.getFileName().toString().contains("$")).toList()) {
                String name = c.getFileName().toString().replace(".class", "");
                jar(dir.resolve(name + ".jar"), classes, name);
            }
        }
        return dir;
    }

    private static void jar(Path jar, Path classes, String name) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", "broken-" + name.toLowerCase(java.util.Locale.ROOT));
        a.putValue("Plugin-Version", "1.0.0");
        a.putValue("Plugin-Requires", name.equals("WantsNewer") ? ">=99.0.0" : ">=0.1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            // the driver, and a nested design plugin (Name$...Design) a fixture ships to break a design-side rule
            StringBuilder idx = new StringBuilder("broken." + name + "\n");
            try (Stream<Path> s = Files.list(classes.resolve("broken"))) {
                s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(name + "$") && f.endsWith("Design.class"))
                        .sorted().forEach(f -> idx.append("broken.").append(f, 0, f.length() - ".class".length()).append('\n'));
            }
            j.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            j.write(idx.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            j.closeEntry();
            try (Stream<Path> s = Files.list(classes.resolve("broken"))) {
                for (Path c : s.filter(p -> p.getFileName().toString().equals(name + ".class")
                        || p.getFileName().toString().startsWith(name + "$")).toList()) {
                    j.putNextEntry(new JarEntry("broken/" + c.getFileName()));
                    j.write(Files.readAllBytes(c));
                    j.closeEntry();
                }
            }
        }
    }
}
