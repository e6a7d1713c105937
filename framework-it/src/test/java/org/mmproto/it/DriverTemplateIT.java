package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * docs/writing-a-driver.md stays true: its steps 2 onward, run in a temporary directory (the guide
 * says what stands in for step 1, and why). The framework's
 * artifacts go into a temporary local repository (never the user's), the template module
 * docs/driver-template is copied out of the tree and built with Maven against that repository
 * alone, its conformance test runs with every rule a test case of its own, and
 * {@code ./mmproto conform} passes the jar it built.
 *
 * <p>The guide's {@code mvn install -DskipTests -pl framework-conformance -am} is stood in for by
 * {@code install:install-file} of the artifacts this reactor already packaged (the parent pom,
 * framework-api, framework-core, framework-conformance: what that command installs), so the test
 * neither rebuilds nor touches the work tree; step 1's command line is checked only as text. Everything else the builds need comes from the
 * outer build's local repository through a {@code file:} mirror: no network. The maven-install-plugin
 * is the one artifact the outer {@code mvn verify} does not fetch itself; .ci/run fetches it first.
 */
class DriverTemplateIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path GUIDE = ROOT.resolve("docs/writing-a-driver.md");
    private static final Path TEMPLATE = ROOT.resolve("docs/driver-template");
    /** As pinned in the parent pom's pluginManagement and fetched by .ci/run. */
    static final String INSTALL_PLUGIN = "org.apache.maven.plugins:maven-install-plugin:3.1.3";
    private static final Duration STEP_LIMIT = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    @Test
    void the_guides_steps_build_a_driver_that_passes_the_kit_in_its_build_and_under_mmproto_conform() throws Exception {
        String mvn = onPath("mvn");
        Assumptions.assumeTrue(mvn != null, "mvn is not on PATH: the guide's steps need Maven");
        String version = Samples.version();
        assertThat(pomProperty(TEMPLATE.resolve("pom.xml"), "mmproto.version"))
                .as("docs/driver-template/pom.xml names this build's version").isEqualTo(version);

        Path repo = tmp.resolve("repo");
        Path settings = mirrorSettings(tmp.resolve("settings.xml"));

        // step 1: the framework into the (temporary) local repository
        Path installer = Files.createDirectories(tmp.resolve("install"));
        Files.writeString(installer.resolve("pom.xml"), installerPom(version), StandardCharsets.UTF_8);
        run(installer, List.of(mvn, "-B", "-q", "-nsu", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "initialize"),
                tmp.resolve("install.log"));
        assertThat(repo.resolve("org/mmproto/framework-conformance/" + version)).isDirectory();

        // step 2: a copy of the template, built: its conformance test runs in its own build, on its jar
        Path driver = copyTree(TEMPLATE, tmp.resolve("my-driver"));
        run(driver, List.of(mvn, "-B", "-nsu", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "verify"),
                tmp.resolve("verify.log"));
        Path jar = driver.resolve("target/note-frees-1.0.0.jar");
        assertThat(jar).isRegularFile();
        Path report = driver.resolve("target/failsafe-reports/TEST-org.example.notefrees.NoteFreesConformanceTest.xml");
        assertThat(report).isRegularFile();
        Document suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        assertThat(suite.getDocumentElement().getAttribute("failures")).isEqualTo("0");
        assertThat(suite.getDocumentElement().getAttribute("errors")).isEqualTo("0");
        Set<String> reportedRules = new TreeSet<>();
        NodeList cases = suite.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            String name = ((Element) cases.item(i)).getAttribute("name");
            Matcher m = Pattern.compile("^(R\\d+\\.\\d+) .+ (under [a-z0-9-]+|on the jar)$").matcher(name);
            assertThat(m.matches()).as("Surefire test case '%s' is named by its rule id and design", name).isTrue();
            reportedRules.add(m.group(1));
            if (m.group(2).equals("on the jar")) {
                assertThat(((Element) cases.item(i)).getElementsByTagName("skipped").getLength())
                        .as("'%s' ran on the packaged jar, not skipped for lack of it", name).isZero();
            }
        }

        // step 3: ./mmproto conform on the jar the template built
        Path conformLog = tmp.resolve("conform.log");
        int rc = run(ROOT, List.of("bash", ROOT.resolve("mmproto").toString(), "conform", jar.toString()), conformLog, true);
        String table = Files.readString(conformLog, StandardCharsets.UTF_8);
        assertThat(rc).as("./mmproto conform %s:%n%s", jar, table).isZero();
        assertThat(table).doesNotContain("mmproto: building").contains("conforms: no rule failed");
        Set<String> conformRules = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^(R\\d+\\.\\d+)\\s").matcher(table);
        while (row.find()) {
            conformRules.add(row.group(1));
        }
        assertThat(conformRules).hasSizeGreaterThanOrEqualTo(15);
        assertThat(reportedRules).as("every rule ./mmproto conform checks is a test of the driver's own build")
                .isEqualTo(conformRules);
    }

    @Test
    void the_guide_shows_the_templates_code_and_commands_as_they_are() throws Exception {
        String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains("docs/writing-a-driver.md");
        assertThat(guide).contains("mvn install -DskipTests -pl framework-conformance -am", "docs/driver-template",
                "mvn verify", "mmproto.conform.jar", "./mmproto conform target/note-frees-1.0.0.jar");
        List<String> templateFiles = new ArrayList<>();
        try (Stream<Path> s = Files.walk(TEMPLATE)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/target/")).toList()) {
                templateFiles.add(squash(Files.readString(p, StandardCharsets.UTF_8)));
            }
        }
        Matcher block = Pattern.compile("```(java|xml)\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        int blocks = 0;
        while (block.find()) {
            String code = squash(block.group(2));
            assertThat(templateFiles).as("the guide's %s block is in docs/driver-template:%n%s", block.group(1), block.group(2))
                    .anyMatch(f -> f.contains(code));
            blocks++;
        }
        assertThat(blocks).as("java and xml blocks in the guide").isGreaterThanOrEqualTo(3);
    }

    /** Lines stripped of their indentation: a block quoted from a file matches whatever it was indented by. */
    private static String squash(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }

    private Path mirrorSettings(Path file) throws IOException {
        Path outer = Path.of(System.getProperty("mmproto.it.localRepo",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString())).toAbsolutePath();
        Files.writeString(file, """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>outer-build</id>
                      <mirrorOf>*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(outer.toUri()), StandardCharsets.UTF_8);
        return file;
    }

    /** A pom whose only work is install:install-file of the four artifacts, at initialize. */
    private static String installerPom(String version) {
        StringBuilder executions = new StringBuilder();
        executions.append(execution("parent", ROOT.resolve("pom.xml"), ROOT.resolve("pom.xml")));
        executions.append(execution("api", ROOT.resolve("framework-api/target/framework-api-" + version + ".jar"),
                ROOT.resolve("framework-api/pom.xml")));
        executions.append(execution("core", ROOT.resolve("framework-core/target/framework-core-" + version + ".jar"),
                ROOT.resolve("framework-core/pom.xml")));
        executions.append(execution("conformance", ROOT.resolve("framework-conformance/target/framework-conformance.jar"),
                ROOT.resolve("framework-conformance/pom.xml")));
        String[] gav = INSTALL_PLUGIN.split(":");
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.mmproto.it</groupId>
                  <artifactId>install-framework</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>%s</groupId>
                        <artifactId>%s</artifactId>
                        <version>%s</version>
                        <executions>
                %s        </executions>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(gav[0], gav[1], gav[2], executions);
    }

    private static String execution(String id, Path file, Path pom) {
        assertThat(file).as("the reactor built %s before framework-it (mvn verify from the root)", file).isRegularFile();
        return """
                          <execution>
                            <id>%s</id>
                            <phase>initialize</phase>
                            <goals><goal>install-file</goal></goals>
                            <configuration>
                              <file>%s</file>
                              <pomFile>%s</pomFile>
                            </configuration>
                          </execution>
                """.formatted(id, file, pom);
    }

    private static int run(Path dir, List<String> cmd, Path log) throws Exception {
        int rc = run(dir, cmd, log, false);
        assertThat(rc).as("%s in %s exited %d:%n%s", String.join(" ", cmd), dir, rc, tail(log)).isZero();
        return rc;
    }

    private static int run(Path dir, List<String> cmd, Path log, boolean any) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(STEP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish within " + STEP_LIMIT + ":\n" + tail(log));
        }
        return p.exitValue();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(p -> !from.relativize(p).toString().startsWith("target")).toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    private static String pomProperty(Path pom, String name) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList l = d.getElementsByTagName(name);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().strip();
    }

    private static String onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, exe);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
