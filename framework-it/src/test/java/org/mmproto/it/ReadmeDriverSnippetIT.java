package org.mmproto.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README's "Writing a driver" section stays true: its Java class compiles against
 * framework-api with pf4j's processor writing the extension index, and its pom names the
 * coordinates this build produces.
 */
class ReadmeDriverSnippetIT {
    private static final Path README = Path.of("..", "README.md");

    private static String section() throws Exception {
        String md = Files.readString(README, StandardCharsets.UTF_8);
        int start = md.indexOf("## Writing a driver\n");
        assertThat(start).as("README has a 'Writing a driver' section").isNotNegative();
        int end = md.indexOf("\n## ", start + 1);
        return md.substring(start, end < 0 ? md.length() : end);
    }

    private static List<String> blocks(String text, String lang) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void the_java_snippet_compiles_against_the_api_and_gets_an_extension_index(@TempDir Path dir) throws Exception {
        List<String> java = blocks(section(), "java");
        assertThat(java).hasSize(1);
        String src = java.get(0);
        Matcher pkg = Pattern.compile("package ([\\w.]+);").matcher(src);
        Matcher cls = Pattern.compile("public final class (\\w+)").matcher(src);
        assertThat(pkg.find() && cls.find()).as("package and class declared").isTrue();
        Path file = dir.resolve("src").resolve(pkg.group(1).replace('.', '/')).resolve(cls.group(1) + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, src);
        Path out = Files.createDirectories(dir.resolve("classes"));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        var fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        boolean ok = javac.getTask(diagnostics, fm, null,
                List.of("--release", "17", "-proc:full", "-Xlint:all,-processing", "-Werror", "-classpath",
                        System.getProperty("java.class.path"), "-d", out.toString()),
                null, fm.getJavaFileObjects(file)).call();
        assertThat(ok).as("javac: %s", diagnostics).isTrue();
        Path index = out.resolve("META-INF/extensions.idx");
        assertThat(index).exists();
        assertThat(Files.readString(index)).contains(pkg.group(1) + "." + cls.group(1));
    }

    @Test
    void the_pom_snippet_names_this_builds_api_coordinates_and_the_plugin_manifest() throws Exception {
        List<String> xml = blocks(section(), "xml");
        assertThat(xml).hasSize(1);
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.get(0).getBytes(StandardCharsets.UTF_8)));
        Document parent = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("..", "pom.xml").toFile());
        String version = child(parent.getDocumentElement(), "version");
        NodeList deps = pom.getElementsByTagName("dependency");
        boolean api = false;
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            assertThat(child(d, "scope")).as("every dependency is provided").isEqualTo("provided");
            if (child(d, "artifactId").equals("framework-api")) {
                api = true;
                assertThat(child(d, "groupId")).isEqualTo("org.mmproto");
                assertThat(child(d, "version")).isEqualTo(version);
            }
            if (child(d, "artifactId").equals("pf4j")) {
                assertThat(System.getProperty("java.class.path")).contains("pf4j-" + child(d, "version") + ".jar");
            }
        }
        assertThat(api).isTrue();
        assertThat(xml.get(0)).contains("<Plugin-Id>", "<Plugin-Version>", "<Plugin-Requires>");
        assertThat(section()).contains("mvn -B -q install -DskipTests");
    }

    private static String child(Element e, String name) {
        NodeList l = e.getChildNodes();
        for (int i = 0; i < l.getLength(); i++) {
            if (l.item(i) instanceof Element c && c.getTagName().equals(name)) {
                return c.getTextContent().strip();
            }
        }
        return "";
    }
}
