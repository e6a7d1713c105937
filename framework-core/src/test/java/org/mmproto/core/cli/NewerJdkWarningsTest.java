package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a JDK 24+ (JEP 498: the first sun.misc.Unsafe memory-access call warns) the CLI's main
 * prints no Unsafe warning: Guice runs without bytecode generation. Needs a second JDK in
 * /usr/lib/jvm (scripts/jdk-matrix.sh says how to install one); skipped without.
 */
class NewerJdkWarningsTest {
    private static Optional<Path> newerJdk() throws IOException {
        Path jvm = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvm)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvm)) {
            return s.filter(d -> Files.isExecutable(d.resolve("bin/java")) && major(d) >= 24).findFirst();
        }
    }

    private static int major(Path jdk) {
        try {
            for (String l : Files.readAllLines(jdk.resolve("release"))) {
                if (l.startsWith("JAVA_VERSION=\"")) {
                    String v = l.substring("JAVA_VERSION=\"".length());
                    return Integer.parseInt(v.split("[.\"]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    @Test
    void main_on_a_newer_jdk_prints_no_unsafe_warning(@TempDir Path dir) throws Exception {
        Optional<Path> jdk = newerJdk();
        assumeTrue(jdk.isPresent(), "no JDK 24+ in /usr/lib/jvm");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(List.of(jdk.get().resolve("bin/java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.mmproto.core.cli.Main", "run", "default"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(stderr).doesNotContain("sun.misc.Unsafe", "WARNING");
    }
}
