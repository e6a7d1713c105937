package org.mmproto.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmproto.core.cli.Main;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code mmproto conform JAR --design --seed --junit --ktap}: what it writes and how it exits. */
class ConformCommandTest {
    @TempDir
    static Path dir;
    static Path jars;

    @org.junit.jupiter.api.BeforeAll
    static void build() throws Exception {
        jars = org.mmproto.conformance.BrokenDriversAccess.build(Files.createDirectories(dir.resolve("jars")));
    }

    @Test
    void junit_and_ktap_report_every_rule_with_the_seed_and_the_failure() throws Exception {
        Path junit = dir.resolve("junit");
        Path ktap = dir.resolve("out.ktap");
        int rc = Main.execute("conform", jars.resolve("Throws.jar").toString(), "--design", "buddy-veto", "--seed", "7",
                "--junit", junit.toString(), "--ktap", ktap.toString());
        assertThat(rc).as("a required rule failed").isEqualTo(1);

        List<String> lines = Files.readAllLines(ktap);
        assertThat(lines.get(0)).isEqualTo("KTAP version 1");
        assertThat(lines.get(1)).startsWith("# mmproto conform broken-throws").endsWith("seed 7");
        Matcher plan = Pattern.compile("^1\\.\\.(\\d+)$").matcher(lines.get(2));
        assertThat(plan.matches()).isTrue();
        int n = Integer.parseInt(plan.group(1));
        List<String> results = lines.stream().filter(l -> l.matches("^(not )?ok \\d+ .*")).toList();
        assertThat(results).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(results.get(i)).as("KTAP results are numbered in order").matches("^(not )?ok " + (i + 1) + " R\\d+\\.\\d+ .*");
        }
        // the jar rules once ("-"), the others under the one design asked for
        assertThat(results).allMatch(l -> l.endsWith(" -") || l.contains(" buddy-veto"));
        assertThat(results).filteredOn(l -> l.startsWith("not ok")).singleElement().asString().contains("R3.1 buddy-veto");
        int failed = lines.indexOf(results.stream().filter(l -> l.startsWith("not ok")).findFirst().orElseThrow());
        assertThat(lines.get(failed - 1)).as("the failure's diagnostic line").startsWith("# ").contains("seed 7");
        assertThat(results).anyMatch(l -> l.contains("# SKIP "));
        assertThat(lines.get(lines.size() - 1)).matches("# Totals: pass:\\d+ fail:1 xfail:0 xpass:0 skip:\\d+ error:0");

        Path r31 = junit.resolve("TEST-conformance.R3.1.xml");
        assertThat(junit.resolve("TEST-conformance.R1.1.xml")).isRegularFile();
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(r31.toFile());
        Element suite = d.getDocumentElement();
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        Element tc = (Element) suite.getElementsByTagName("testcase").item(0);
        assertThat(tc.getAttribute("name")).startsWith("R3.1 ").endsWith("[buddy-veto]");
        assertThat(((Element) tc.getElementsByTagName("failure").item(0)).getAttribute("message")).contains("seed 7");
        assertThat(Files.list(junit).count()).as("one file per rule").isEqualTo(org.mmproto.conformance.Rules.ALL.size());
    }

    /** --plugins DIR: DIR's design plugins join the designs every per-design rule runs under; its drivers are not checked. */
    @Test
    void plugins_dir_adds_its_design_plugins_to_every_per_design_rule() throws Exception {
        Path designs = Files.createDirectories(dir.resolve("designs"));
        Files.copy(jars.resolve("IgnoresFilter.jar"), designs.resolve("IgnoresFilter.jar")); // ships design ignores-filter
        Path ktap = dir.resolve("plugins.ktap");
        int rc = Main.execute("conform", jars.resolve("KeepsForever.jar").toString(), "--plugins", designs.toString(),
                "--design", "ignores-filter", "--ktap", ktap.toString());
        assertThat(rc).as("mainline's frees are not notified: KeepsForever is not asked to keep any").isEqualTo(0);
        List<String> lines = Files.readAllLines(ktap);
        assertThat(lines.get(1)).startsWith("# mmproto conform broken-keepsforever");
        for (org.mmproto.conformance.Rule r : org.mmproto.conformance.Rules.ALL) {
            if (r.perDesign()) {
                assertThat(lines).as(r.id() + " under the plugin design").anyMatch(l -> l.matches("^(not )?ok \\d+ "
                        + Pattern.quote(r.id()) + " ignores-filter\\b.*"));
            }
        }
        var jar = new org.mmproto.conformance.DriverUnderTest.Jar(jars.resolve("KeepsForever.jar"), java.util.Map.of());
        var o = org.mmproto.conformance.ConformanceKit.Options.defaults().withDesign("no-such-design");
        // the designs installed, as the error lists them: the built-in ones, plus DIR's with --plugins
        assertThatThrownBy(() -> org.mmproto.conformance.ConformanceKit.check(jar, o))
                .hasMessageContaining("installed: unpatched, buddy-veto, fallback-only, gfp-flag, memalloc-scope, ops-struct, "
                        + "zonelist-private").hasMessageNotContaining("ignores-filter");
        assertThatThrownBy(() -> org.mmproto.conformance.ConformanceKit.check(jar, o.withPlugins(designs)))
                .hasMessageContaining("installed: unpatched, buddy-veto, fallback-only, gfp-flag, ignores-filter, "
                        + "memalloc-scope, ops-struct, zonelist-private");
        assertThat(Main.execute("conform", jars.resolve("KeepsForever.jar").toString(), "--plugins",
                dir.resolve("absent").toString())).isEqualTo(2);
    }

    /** R6.4 judges the jar under test: a plugin of --plugins DIR that sets a system property as it loads is not blamed on it. */
    @Test
    void what_a_plugins_dir_plugin_sets_as_it_loads_is_not_the_jar_under_tests() throws Exception {
        Path designs = Files.createDirectories(dir.resolve("designs-and-property"));
        Files.copy(jars.resolve("IgnoresFilter.jar"), designs.resolve("IgnoresFilter.jar"));
        Files.copy(jars.resolve("DesignSetsProperty.jar"), designs.resolve("DesignSetsProperty.jar")); // sets one as it loads
        String before = System.getProperty("broken.designsetsproperty.loads");
        Path ktap = dir.resolve("property.ktap");
        int rc = Main.execute("conform", jars.resolve("KeepsForever.jar").toString(), "--plugins", designs.toString(),
                "--design", "ignores-filter", "--ktap", ktap.toString());
        assertThat(System.getProperty("broken.designsetsproperty.loads")).as("DIR's design plugin was created")
                .isNotEqualTo(before);
        assertThat(Files.readAllLines(ktap)).anyMatch(l -> l.matches("^ok \\d+ R6\\.4\\b.*"));
        assertThat(rc).isEqualTo(0);
    }

    /** --config as a driver's build gives it: KEY=VALUE,... (YAML scalars) or a YAML/JSON mapping. */
    @Test
    void config_is_given_as_key_values_or_a_mapping() {
        assertThat(ConformCommand.parseConfig("private_allocs=allow,queues=4,strict=true"))
                .containsExactly(java.util.Map.entry("private_allocs", "allow"), java.util.Map.entry("queues", 4),
                        java.util.Map.entry("strict", true));
        assertThat(ConformCommand.parseConfig("{private_allocs: allow, \"queues\": 4}"))
                .containsExactly(java.util.Map.entry("private_allocs", "allow"), java.util.Map.entry("queues", 4));
        assertThat(ConformCommand.parseConfig(null)).isEmpty();
        assertThatThrownBy(() -> ConformCommand.parseConfig("queues")).hasMessageContaining("is not KEY=VALUE");
    }

    /** Without --plugins the plugins directory `designs` lists is checked too; --no-plugins turns it off. */
    @Test
    void the_default_plugins_directory_is_checked_unless_no_plugins() {
        ConformCommand c = new ConformCommand();
        java.nio.file.Path dflt = org.mmproto.core.plugin.PluginsDir.resolve(null);
        assertThat(c.pluginsDir()).isEqualTo(Files.isDirectory(dflt) ? dflt : null);
        assertThat(dflt).as("the checkout's plugins/ (the framework's own location)").isDirectory();
        c.noPlugins = true;
        assertThat(c.pluginsDir()).isNull();
        c.plugins = dir;
        assertThat(c.pluginsDir()).isEqualTo(dir);
    }
}
