package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.it.fixtures.FixtureDesign;
import org.mmproto.it.fixtures.PlainDriver;

/** {@code mmproto plugins}: what a kernel developer sees. */
class PluginsCommandIT {
    @TempDir
    Path dir;

    @Test
    void lists_the_sample_driver_with_its_hooks_and_every_failed_jar_with_its_reason() throws IOException {
        Path jar = Samples.copyCxlJar(dir);
        Files.writeString(dir.resolve("corrupt.jar"), "garbage");
        TestJar.plugin(dir, "future.jar", "future").attr("Plugin-Requires", ">=99.0.0").extensions(PlainDriver.class).write();
        TestJar.plugin(dir, "designs.jar", "designs").attr("Plugin-Description", "a design as a plugin")
                .extensions(FixtureDesign.class).write();

        Samples.Run r = Samples.mmproto("plugins", "--plugins", dir.toString());

        assertThat(r.status()).isZero();
        assertThat(r.out()).contains(
                "# plugins in " + dir.toAbsolutePath().normalize(),
                "cxl-mempolicy " + Samples.version() + "  STARTED\n",
                "  jar:      " + jar.getFileName() + "\n",
                "  requires: mmproto >=0.1.0\n",
                "  driver cxl-mempolicy  (" + Samples.CXL_CLASS + ")\n",
                "    hooks: migrate_to, folio_migrate\n",
                "designs 1.0.0  STARTED\n",
                "  design fixture-design  (" + FixtureDesign.class.getName() + ")\n",
                "    allows everything (test fixture)\n",
                "FAILED corrupt.jar\n",
                "  error: corrupt.jar: not a jar (zip) file",
                "FAILED future.jar  (future 1.0.0)\n",
                "  error: future.jar: incompatible framework version: Plugin-Requires >=99.0.0",
                "4 jars: 2 started, 0 disabled, 2 failed\n");
        assertThat(r.out().indexOf("FAILED corrupt.jar")).isLessThan(r.out().indexOf("cxl-mempolicy " + Samples.version()));
    }

    @Test
    void an_empty_directory_has_no_plugin_jars() {
        Samples.Run r = Samples.mmproto("plugins", "--plugins", dir.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("no plugin jars");
    }

    @Test
    void a_missing_directory_given_with_plugins_is_bad_input() {
        Samples.Run r = Samples.mmproto("plugins", "--plugins", dir.resolve("nope").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("mmproto: plugins directory").contains("does not exist");
    }

    @Test
    void help_lines_fit_80_columns() {
        Samples.Run r = Samples.mmproto("plugins", "--help");
        assertThat(r.status()).isZero();
        assertThat(r.out().lines()).allMatch(l -> l.length() <= 80);
        assertThat(Samples.mmproto("--help").out()).contains("plugins");
    }
}
