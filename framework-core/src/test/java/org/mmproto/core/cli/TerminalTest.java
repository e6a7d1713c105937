package org.mmproto.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bars' terminal check looks at stderr, where they are drawn, not at the console (stdout). */
class TerminalTest {
    @Test
    void a_terminal_device_behind_fd_2_is_a_terminal_a_pipe_or_file_is_not(@TempDir Path dir) throws Exception {
        Path pts = Files.createSymbolicLink(dir.resolve("pts"), Path.of("/dev/pts/3"));
        Path tty = Files.createSymbolicLink(dir.resolve("tty"), Path.of("/dev/tty1"));
        Path pipe = Files.createSymbolicLink(dir.resolve("pipe"), Path.of("pipe:[4242]"));
        Path file = Files.createSymbolicLink(dir.resolve("file"), dir.resolve("err.log"));
        assertThat(Terminal.attached(pts)).isTrue();
        assertThat(Terminal.attached(tty)).isTrue();
        assertThat(Terminal.attached(pipe)).isFalse();
        assertThat(Terminal.attached(file)).isFalse();
    }

    /**
     * Under script(1) stdin and stdout are a pseudo-terminal (System.console() is not null on JDK
     * 17) while stderr goes to a file: no bar may be drawn into the file.
     */
    @Test
    void stdout_on_a_terminal_and_stderr_in_a_file_draws_no_bar(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) && Files.isDirectory(Path.of("/proc/self/fd")));
        Path err = dir.resolve("err.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "'" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' org.mmproto.core.cli.Main stress --machine single --ops 200000 --seed 1 2>'" + err + "'";
        Process p = new ProcessBuilder(List.of("/usr/bin/script", "-qec", cmd, "/dev/null"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("script.out").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assumeTrue(p.exitValue() == 0, "script(1) could not run the command: "
                + Files.readString(dir.resolve("script.out"), StandardCharsets.UTF_8));
        assertThat(Files.readString(err, StandardCharsets.UTF_8)).as("stderr is a file: no progress bar").isEmpty();
    }
}
