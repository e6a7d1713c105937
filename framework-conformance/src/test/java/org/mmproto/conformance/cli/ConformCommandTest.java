package org.mmproto.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void junit_and_ktap_report_every_rule_with_the_seed_and_the_failure() throws Exception {
        Path jars = Files.createDirectories(dir.resolve("jars"));
        org.mmproto.conformance.BrokenDriversAccess.build(jars);
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
}
