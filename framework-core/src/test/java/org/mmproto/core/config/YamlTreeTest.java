package org.mmproto.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

class YamlTreeTest {
    private static final String DOC = """
            name: box
            count: 12
            flag: true
            size: 16GiB
            list:
              - a
              - b
            inner:
              key: value
            empty:
            """;

    private static ConfigException fails(Runnable r) {
        return catchThrowableOfType(ConfigException.class, r::run);
    }

    @Test
    void nodesKnowTheirLineColumnAndPath() {
        YamlTree t = YamlTree.parse(DOC, "doc.yaml");
        MappingNode top = t.rootMapping("a test document");
        Node inner = t.require(t.mapping(t.require(top, "inner")), "key");
        assertThat(t.line(inner)).isEqualTo(9);
        assertThat(t.column(inner)).isEqualTo(8);
        assertThat(t.path(inner)).isEqualTo("inner.key");
        Node second = t.items(t.require(top, "list")).get(1);
        assertThat(t.path(second)).isEqualTo("list[1]");
        assertThat(t.line(second)).isEqualTo(7);
    }

    @Test
    void typedAccessorsReadScalarText() {
        YamlTree t = YamlTree.parse(DOC, "doc.yaml");
        MappingNode top = t.rootMapping("a test document");
        assertThat(t.string(t.require(top, "name"))).isEqualTo("box");
        assertThat(t.intValue(t.require(top, "count"))).isEqualTo(12);
        assertThat(t.longValue(t.require(top, "count"), 0, 100)).isEqualTo(12L);
        assertThat(t.bool(t.require(top, "flag"))).isTrue();
        assertThat(t.size(t.require(top, "size"))).isEqualTo(16L << 30);
        assertThat(t.entries(top)).containsOnlyKeys("name", "count", "flag", "size", "list",
                "inner", "empty");
    }

    @Test
    void emptyValueCountsAsAbsent() {
        YamlTree t = YamlTree.parse(DOC, "doc.yaml");
        MappingNode top = t.rootMapping("a test document");
        assertThat(t.get(top, "empty")).isEmpty();
        assertThat(t.get(top, "nothere")).isEmpty();
        ConfigException e = fails(() -> t.require(top, "empty"));
        assertThat(e.detail()).contains("missing required key 'empty'");
    }

    @Test
    void missingRequiredKeyIsReportedAtTheMappingLine() {
        YamlTree t = YamlTree.parse("a: 1\nb:\n  c: 2\n", "f.yaml");
        MappingNode b = t.mapping(t.require(t.rootMapping("x"), "b"));
        ConfigException e = fails(() -> t.require(b, "d"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.getMessage()).startsWith("f.yaml:3:3: missing required key 'd' in b");
    }

    @Test
    void unknownKeyListsTheExpectedKeysAndSuggestsTheClosest() {
        YamlTree t = YamlTree.parse("nodes:\n  - szie: 4GiB\n", "m.yaml");
        MappingNode node = t.mapping(t.items(t.require(t.rootMapping("x"), "nodes")).get(0));
        ConfigException e = fails(() -> t.allowKeys(node, YamlTree.keys("nid", "size", "cpus")));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(5);
        assertThat(e.detail()).isEqualTo("unknown key 'szie' in nodes[0] (did you mean 'size'?);"
                + " expected one of: nid, size, cpus");
    }

    @Test
    void duplicateKeysAreRejectedAtTheSecondOccurrence() {
        ConfigException e = fails(() -> YamlTree.parse("a: 1\nb: 2\na: 3\n", "d.yaml"));
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.detail()).contains("duplicate key 'a' (first given at line 1)");
    }

    @Test
    void duplicateKeysAreRejectedInNestedMappings() {
        ConfigException e = fails(() -> YamlTree.parse("""
                nodes:
                  - size: 1G
                    cpus: 0
                    size: 2G
                """, "d.yaml"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).startsWith("nodes[0].size: duplicate key 'size'");
    }

    @Test
    void mergeKeysAreRejected() {
        ConfigException e = fails(() -> YamlTree.parse("""
                base: &b
                  x: 1
                other:
                  <<: *b
                """, "m.yaml"));
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.detail()).contains("merge keys (<<) are not supported");
    }

    @Test
    void nonScalarKeysAreRejected() {
        ConfigException e = fails(() -> YamlTree.parse("? [a, b]\n: 1\n", "k.yaml"));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("expected a plain key");
    }

    @Test
    void syntaxErrorsBecomeConfigExceptionsWithTheirLine() {
        ConfigException e = fails(() -> YamlTree.parse("a: 1\nb: [1, 2\nc: 3\n", "s.yaml"));
        assertThat(e.file()).isEqualTo("s.yaml");
        assertThat(e.line()).isGreaterThanOrEqualTo(2);
        assertThat(e.detail()).startsWith("YAML syntax error:");
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void tabIndentationIsASyntaxErrorAtItsLine() {
        ConfigException e = fails(() -> YamlTree.parse("a:\n\t- 1\n", "t.yaml"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).startsWith("YAML syntax error:");
    }

    @Test
    void badIndentationIsASyntaxErrorAtItsLine() {
        ConfigException e = fails(() -> YamlTree.parse("a:\n  b: 1\n c: 2\n", "i.yaml"));
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void moreThanOneDocumentIsRejected() {
        ConfigException e = fails(() -> YamlTree.parse("a: 1\n---\nb: 2\n", "two.yaml"));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).contains("single document");
    }

    @Test
    void emptyDocumentNeedsTheExpectedRoot() {
        YamlTree t = YamlTree.parse("# only a comment\n", "e.yaml");
        ConfigException e = fails(() -> t.rootMapping("a machine description"));
        assertThat(e.getMessage()).isEqualTo("e.yaml: the file is empty; expected a machine"
                + " description");
    }

    @Test
    void rootMustBeAMapping() {
        YamlTree t = YamlTree.parse("- 1\n- 2\n", "r.yaml");
        ConfigException e = fails(() -> t.rootMapping("a machine description"));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).contains("expected a machine description").contains("sequence");
    }

    @Test
    void structureAccessorsSayWhatWasExpectedAndFound() {
        YamlTree t = YamlTree.parse("a: 1\nb: [1]\nc: {x: 1}\n", "s.yaml");
        MappingNode top = t.rootMapping("x");
        assertThat(fails(() -> t.mapping(t.require(top, "a"))).detail())
                .isEqualTo("a: expected a mapping (key: value entries), got the value '1'");
        assertThat(fails(() -> t.sequence(t.require(top, "c"))).detail())
                .startsWith("c: expected a sequence").endsWith("got a mapping");
        ConfigException e = fails(() -> t.scalar(t.require(top, "b")));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.detail()).isEqualTo("b: expected a single value, got a sequence");
    }

    @Test
    void integerParsingNamesTheRangeAndTheBadText() {
        YamlTree t = YamlTree.parse("a: twelve\nb: 5000\nc: 1.5\nd: 1_000\n", "i.yaml");
        MappingNode top = t.rootMapping("x");
        ConfigException e = fails(() -> t.intValue(t.require(top, "a")));
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.detail()).isEqualTo("a: expected an integer (32-bit), got 'twelve'");
        ConfigException range = fails(() -> t.intValue(t.require(top, "b"), 1, 3000));
        assertThat(range.line()).isEqualTo(2);
        assertThat(range.detail()).isEqualTo("b: expected an integer in 1..3000, got 5000");
        assertThat(fails(() -> t.longValue(t.require(top, "c"))).detail())
                .isEqualTo("c: expected an integer, got '1.5'");
        assertThat(t.intValue(t.require(top, "d"))).isEqualTo(1000);
    }

    @Test
    void integerOverflowIsAnError() {
        YamlTree t = YamlTree.parse("a: 99999999999\nb: 99999999999999999999\n", "o.yaml");
        MappingNode top = t.rootMapping("x");
        assertThat(fails(() -> t.intValue(t.require(top, "a"))).detail())
                .contains("expected an integer (32-bit)");
        assertThat(fails(() -> t.longValue(t.require(top, "b"))).detail())
                .contains("expected an integer");
    }

    @Test
    void booleansAreTrueOrFalse() {
        YamlTree t = YamlTree.parse("a: yes\nb: False\n", "b.yaml");
        MappingNode top = t.rootMapping("x");
        ConfigException e = fails(() -> t.bool(t.require(top, "a")));
        assertThat(e.detail()).isEqualTo("a: expected true or false, got 'yes'");
        assertThat(t.bool(t.require(top, "b"))).isFalse();
    }

    @Test
    void sizeErrorsCarryTheNodeLine() {
        YamlTree t = YamlTree.parse("x: 1\nsize: 16GB\n", "s.yaml");
        ConfigException e = fails(() -> t.size(t.require(t.rootMapping("x"), "size")));
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.column()).isEqualTo(7);
        assertThat(e.detail()).contains("did you mean 16GiB?");
    }

    @Test
    void oneOfListsTheChoicesAndSuggests() {
        YamlTree t = YamlTree.parse("online: moveable\n", "o.yaml");
        ConfigException e = fails(() -> t.oneOf(t.require(t.rootMapping("x"), "online"),
                List.of("normal", "movable")));
        assertThat(e.detail()).isEqualTo("online: expected one of normal | movable, got"
                + " 'moveable' (did you mean 'movable'?)");
    }

    @Test
    void aliasesAreReadAsTheirAnchor() {
        YamlTree t = YamlTree.parse("a: &s 4GiB\nb: *s\n", "a.yaml");
        assertThat(t.size(t.require(t.rootMapping("x"), "b"))).isEqualTo(4L << 30);
    }

    @Test
    void readReportsAMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        ConfigException e = fails(() -> YamlTree.read(missing));
        assertThat(e.getMessage()).isEqualTo(missing + ": no such file");
    }

    @Test
    void readReportsTextThatIsNotUtf8(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.write(bad, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe, '\n'});
        assertThatThrownBy(() -> YamlTree.read(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void readParsesAFileNamedByItsPath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ok.yaml");
        Files.writeString(f, "a: 1\n");
        YamlTree t = YamlTree.read(f);
        assertThat(t.source()).isEqualTo(f.toString());
        assertThat(t.intValue(t.require(t.rootMapping("x"), "a"))).isEqualTo(1);
    }

    @Test
    void aValueAboveAHiddenMaximumNamesTheMaximum() {
        YamlTree t = YamlTree.parse("a: 99999999999\nb: 99999999999999999999\nc: 9e18\n", "m.yaml");
        MappingNode top = t.rootMapping("x");
        assertThat(fails(() -> t.longValue(t.require(top, "a"), 0, Integer.MAX_VALUE)).detail())
                .isEqualTo("a: expected an integer in 0..2147483647, got 99999999999");
        assertThat(fails(() -> t.longValue(t.require(top, "b"), 0, 10)).detail())
                .contains("does not fit in a 64-bit integer");
        assertThat(fails(() -> t.longValue(t.require(top, "c"), 0, 10)).detail())
                .contains("write the number out in decimal digits");
    }
}
