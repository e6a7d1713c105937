package org.mmproto.core.config;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A parsed YAML document whose every node keeps its position, with typed accessors that throw
 * {@link ConfigException} at the offending node's line and column.
 *
 * <p>Parsing uses SnakeYAML's compose step only (no object construction, no custom tags run).
 * Checked once for the whole document at parse time: YAML syntax (converted from SnakeYAML's
 * errors, with their line), a single document, keys are plain scalars, no duplicate keys, no merge
 * keys ({@code <<}). Everything else is checked by the caller through the accessors, which name
 * the node by its path ({@code nodes[1].size}) and say what was expected.
 *
 * <p>Scalars are read from their text, whatever tag the YAML 1.1 resolver gave them, so
 * {@code 0x1000}, {@code 1_048_576} and {@code "42"} are all read by the accessor that is asked.
 * An empty value ({@code key:}), {@code ~} or {@code null} counts as absent in {@link #get}.
 */
public final class YamlTree {
    private final String source;
    private final Node root;
    private final Map<Node, String> paths = new IdentityHashMap<>();

    private YamlTree(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    /**
     * Parses YAML text; {@code source} names it in errors (a path or {@code bundled:name}). The
     * text is checked against {@link InputLimits#DEFAULT} first.
     */
    public static YamlTree parse(String text, String source) {
        InputLimits limits = InputLimits.DEFAULT;
        limits.checkText(text, source);
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // reported by us, with both lines
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        options.setCodePointLimit(limits.maxBytes());
        // YamlBounds reports these first, with a line; SnakeYAML's own checks stay as a backstop
        options.setNestingDepthLimit(limits.maxDepth() + 1);
        options.setMaxAliasesForCollections(limits.maxAliases());
        Node root;
        try {
            YamlBounds.check(text, source, limits, options);
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw syntaxError(source, e);
        } catch (YAMLException e) {
            throw new ConfigException(source, 0, 0, "invalid YAML: " + e.getMessage(), e);
        }
        YamlTree tree = new YamlTree(source, root);
        if (root != null) {
            tree.index(root, "", Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return tree;
    }

    /** Reads a UTF-8 file and parses it; the source name is the path as given. */
    public static YamlTree read(Path file) {
        return parse(readText(file), file.toString());
    }

    /**
     * Reads a UTF-8 text file within {@link InputLimits#DEFAULT} ({@link TextFiles}), turning
     * every problem into a {@link ConfigException}.
     */
    public static String readText(Path file) {
        return TextFiles.read(file, InputLimits.DEFAULT);
    }

    private static ConfigException syntaxError(String source, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        StringBuilder msg = new StringBuilder("YAML syntax error: ");
        msg.append(e.getProblem() != null ? e.getProblem() : e.getMessage());
        if (e.getContext() != null) {
            msg.append(" (").append(e.getContext());
            Mark ctx = e.getContextMark();
            if (ctx != null && mark != null && ctx.getLine() != mark.getLine()) {
                msg.append(" started at line ").append(ctx.getLine() + 1);
            }
            msg.append(')');
        }
        int line = mark == null ? 0 : mark.getLine() + 1;
        int column = mark == null ? 0 : mark.getColumn() + 1;
        return new ConfigException(source, line, column, msg.toString().strip(), e);
    }

    /** Records each node's path and checks keys, once, for the whole document. */
    private void index(Node node, String path, Set<Node> seen) {
        if (!seen.add(node)) {
            return; // an alias to a node already visited
        }
        paths.put(node, path);
        if (node instanceof MappingNode m) {
            Map<String, Node> firstKeys = new HashMap<>();
            for (NodeTuple t : m.getValue()) {
                Node k = t.getKeyNode();
                if (k.getTag().equals(Tag.MERGE)) {
                    throw error(k, "YAML merge keys (<<) are not supported; write the keys out");
                }
                if (!(k instanceof ScalarNode key)) {
                    throw error(k, "expected a plain key (a name), got a " + kind(k));
                }
                String name = key.getValue();
                Node first = firstKeys.putIfAbsent(name, k);
                String childPath = path.isEmpty() ? name : path + "." + name;
                if (first != null) {
                    paths.put(k, childPath);
                    throw error(k, "duplicate key '" + name + "' (first given at line "
                            + line(first) + "); each key may appear once");
                }
                paths.put(k, childPath);
                index(t.getValueNode(), childPath, seen);
            }
        } else if (node instanceof SequenceNode s) {
            List<Node> items = s.getValue();
            for (int i = 0; i < items.size(); i++) {
                index(items.get(i), path + "[" + i + "]", seen);
            }
        }
    }

    public String source() {
        return source;
    }

    /** The document's root node; null for an empty document. */
    public Node root() {
        return root;
    }

    /** The root, which must be a mapping; {@code what} describes the document in the error. */
    public MappingNode rootMapping(String what) {
        if (root == null || isNull(root)) {
            throw new ConfigException(source, 0, 0, "the file is empty; expected " + what);
        }
        if (!(root instanceof MappingNode m)) {
            throw error(root, "expected " + what + " (key: value lines) at the top level, got a "
                    + kind(root));
        }
        return m;
    }

    // ---- positions and errors ---------------------------------------------------------------

    /** 1-based line of the node's start. */
    public int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** 1-based column of the node's start. */
    public int column(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getColumn() + 1;
    }

    /** The node's path from the root, such as {@code nodes[1].size}; "" for the root. */
    public String path(Node node) {
        return paths.getOrDefault(node, "");
    }

    /** An error located at {@code node}, the message prefixed with the node's path. */
    public ConfigException error(Node node, String message) {
        String p = path(node);
        return new ConfigException(source, line(node), column(node),
                p.isEmpty() ? message : p + ": " + message);
    }

    // ---- structure ----------------------------------------------------------------------------

    public MappingNode mapping(Node node) {
        if (node instanceof MappingNode m) {
            return m;
        }
        throw error(node, "expected a mapping (key: value entries), got " + describe(node));
    }

    public SequenceNode sequence(Node node) {
        if (node instanceof SequenceNode s) {
            return s;
        }
        throw error(node, "expected a sequence ('- item' lines or [a, b]), got " + describe(node));
    }

    public ScalarNode scalar(Node node) {
        if (node instanceof ScalarNode s) {
            return s;
        }
        throw error(node, "expected a single value, got a " + kind(node));
    }

    /** The items of a sequence node (which is checked). */
    public List<Node> items(Node node) {
        return sequence(node).getValue();
    }

    /** An empty value, {@code ~} or {@code null}. */
    public boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /** The mapping's entries by key, in file order. */
    public Map<String, Node> entries(MappingNode mapping) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            out.put(((ScalarNode) t.getKeyNode()).getValue(), t.getValueNode());
        }
        return out;
    }

    /**
     * Rejects any key not in {@code allowed}, at the key's position, listing the allowed keys and
     * suggesting the closest one.
     */
    public void allowKeys(MappingNode mapping, Collection<String> allowed) {
        for (NodeTuple t : mapping.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!allowed.contains(key)) {
                String where = path(mapping).isEmpty() ? "at the top level" : "in " + path(mapping);
                throw new ConfigException(source, line(t.getKeyNode()), column(t.getKeyNode()),
                        "unknown key '" + key + "' " + where
                                + Suggestions.didYouMean(key, allowed)
                                + "; expected one of: " + String.join(", ", allowed));
            }
        }
    }

    /** The value under {@code key}; empty when the key is absent or its value is null/empty. */
    public Optional<Node> get(MappingNode mapping, String key) {
        for (NodeTuple t : mapping.getValue()) {
            if (((ScalarNode) t.getKeyNode()).getValue().equals(key)) {
                Node v = t.getValueNode();
                return isNull(v) ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The value under {@code key}; an error at the mapping's line when absent or empty. */
    public Node require(MappingNode mapping, String key) {
        return get(mapping, key).orElseThrow(() -> {
            String where = path(mapping).isEmpty() ? "at the top level" : "in " + path(mapping);
            return new ConfigException(source, line(mapping), column(mapping),
                    "missing required key '" + key + "' " + where);
        });
    }

    // ---- scalars ------------------------------------------------------------------------------

    /** The scalar's text (an empty value gives ""). */
    public String string(Node node) {
        return scalar(node).getValue();
    }

    public long longValue(Node node) {
        return longValue(node, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** A decimal integer in {@code min..max} (underscores between digits allowed). */
    public long longValue(Node node, long min, long max) {
        return longValue(node, min, max, "");
    }

    /**
     * A decimal integer in {@code min..max}; {@code why} (may be empty) says where the limits come
     * from and is appended to a range error, e.g. "vm.min_free_kbytes is a C int".
     */
    public long longValue(Node node, long min, long max, String why) {
        String text = string(node).strip();
        String reason = why.isEmpty() ? "" : " (" + why + ")";
        if (!text.matches("[-+]?[0-9]+(_[0-9]+)*")) {
            throw error(node, "expected an integer" + rangeText(min, max) + ", got '" + text + "'"
                    + (text.matches("[-+]?[0-9.]+[eE][-+]?[0-9]+") ? "; write the number out in"
                    + " decimal digits" : ""));
        }
        long v;
        try {
            v = Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(node, "got " + text + ", which does not fit in a 64-bit integer; expected"
                    + " an integer in " + min + ".." + max + reason);
        }
        if (v < min) {
            throw error(node, "expected an integer" + rangeText(min, max) + ", got " + v + reason);
        }
        if (v > max) {
            // name the whole range: "expected >= 0" would hide why a large value is refused
            String range = rangeText(min, max);
            if (range.startsWith(" >=")) {
                range = " in " + min + ".." + max;
            }
            throw error(node, "expected an integer" + range + ", got " + v + reason);
        }
        return v;
    }

    public int intValue(Node node) {
        return intValue(node, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    public int intValue(Node node, int min, int max) {
        return (int) longValue(node, min, max);
    }

    private static String rangeText(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "";
        }
        if (min == Integer.MIN_VALUE && max == Integer.MAX_VALUE) {
            return " (32-bit)";
        }
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return " >= " + min;
        }
        return " in " + min + ".." + max;
    }

    /** {@code true} or {@code false} (any case). */
    public boolean bool(Node node) {
        String text = string(node).strip().toLowerCase(Locale.ROOT);
        switch (text) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw error(node, "expected true or false, got '" + string(node) + "'");
        }
    }

    /** A byte size as {@link Sizes#parse} reads it. */
    public long size(Node node) {
        String text = string(node);
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    /** One of the given words (exact match), with a did-you-mean on a near miss. */
    public String oneOf(Node node, Collection<String> choices) {
        String text = string(node).strip();
        if (!choices.contains(text)) {
            throw error(node, "expected one of " + String.join(" | ", choices) + ", got '" + text
                    + "'" + Suggestions.didYouMean(text, choices));
        }
        return text;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** "mapping", "sequence" or "value". */
    public static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "mapping";
        }
        if (node instanceof SequenceNode) {
            return "sequence";
        }
        return "value";
    }

    private String describe(Node node) {
        if (node instanceof ScalarNode s) {
            return isNull(s) ? "an empty value" : "the value '" + s.getValue() + "'";
        }
        return "a " + kind(node);
    }

    /** An ordered, unmodifiable key set for {@link #allowKeys}, listed in errors in this order. */
    public static Set<String> keys(String... names) {
        Set<String> out = new LinkedHashSet<>();
        Collections.addAll(out, names);
        return Collections.unmodifiableSet(out);
    }
}
