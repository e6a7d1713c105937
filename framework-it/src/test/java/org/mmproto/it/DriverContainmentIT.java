package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.it.fixtures.ExitingDriver;
import org.mmproto.it.fixtures.HaltingDriver;
import org.mmproto.it.fixtures.SpinningDriver;

/**
 * CONTRACT R3 with real plugin jars: a driver that hangs in bind() or tries to end the process
 * never hangs or kills mmproto; each failure names the jar, and the node and scenario line or
 * the hook and site. A missing rewrite would end this test JVM (failsafe then reports the crash).
 */
class DriverContainmentIT {
    @TempDir
    Path dir;

    private Path plugins() {
        return dir.resolve("plugins");
    }

    private Path scenario(String plugin, String... steps) throws IOException {
        Path s = dir.resolve(plugin + ".yaml");
        Files.writeString(s, String.join("\n", "machine: private-cxl", "thp: never", "drivers:",
                "  - {plugin: " + plugin + ", node: 2}", "tasks:", "  - {name: a, cpu: 0}", "steps:",
                String.join("\n", steps), ""));
        return s;
    }

    @Test
    void system_exit_in_bind_fails_the_run_naming_the_jar_the_node_and_the_line() throws IOException {
        TestJar.plugin(plugins(), "exiting.jar", "exiting").extensions(ExitingDriver.class).write();
        Samples.Run r = Samples.mmproto("run", scenario("exiting", "  - check: {}").toString(),
                "--plugins", plugins().toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("exiting.yaml:4", "exiting (exiting.jar)", "node 2", "System.exit(3) refused");
    }

    @Test
    void a_bind_that_never_answers_is_cut_off_at_the_budget() throws IOException {
        TestJar.plugin(plugins(), "spinning.jar", "spinning").extensions(SpinningDriver.class).write();
        Samples.Run r = Samples.mmproto("run", scenario("spinning", "  - check: {}").toString(),
                "--plugins", plugins().toString(), "--budget-ms", "200");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("spinning.yaml:4", "spinning (spinning.jar)", "failed to bind node 2",
                "no answer within the 200 ms budget");
    }

    @Test
    void runtime_halt_in_a_hook_is_contained_and_reported_with_the_jar_the_hook_and_the_site() throws IOException {
        TestJar.plugin(plugins(), "halting.jar", "halting").extensions(HaltingDriver.class).write();
        Path s = scenario("halting",
                "  - mmap: {task: a, name: buf, length: 4KiB, prot: PROT_READ|PROT_WRITE, flags: MAP_PRIVATE|MAP_ANONYMOUS}",
                "  - touch: {task: a, addr: buf, length: 4KiB, write: true}",
                "  - move_pages: {task: a, pid: 0, pages: [buf], nodes: [2], flags: MPOL_MF_MOVE}");
        Samples.Run r = Samples.mmproto("run", s.toString(), "--plugins", plugins().toString());
        assertThat(r.out()).contains("halting (halting.jar) migrate_to at MIGRATE_TARGET: forbidden-call (Runtime.halt(3) refused");
    }

    @Test
    void the_plugins_command_dry_bind_is_contained() {
        Samples.copyCxlJar(plugins());
        TestJar.plugin(plugins(), "exiting.jar", "exiting").extensions(ExitingDriver.class).write();
        TestJar.plugin(plugins(), "spinning.jar", "spinning").extensions(SpinningDriver.class).write();
        Samples.Run r = Samples.mmproto("plugins", "--plugins", plugins().toString(), "--budget-ms", "200");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains(
                "  driver exiting  (" + ExitingDriver.class.getName() + ")\n    hooks: none\n"
                        + "    opt-ins: unknown (a dry bind failed: System.exit(3) refused",
                "  driver spinning  (" + SpinningDriver.class.getName() + ")\n    hooks: none\n"
                        + "    opt-ins: unknown (a dry bind failed: no answer within the 200 ms budget",
                "    opt-ins: NP_OPS_MIGRATION|NP_OPS_MEMPOLICY (default config); v5 capabilities: NODE_PRIVATE_CAP_USER_NUMA"
                        + " (mapped from the v4 names)\n",
                "3 jars: 3 started, 0 disabled, 0 failed");
    }
}
