package org.mmproto.core.config;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * Checks a YAML document's events against {@link InputLimits} before it is composed, so each
 * violation is reported at its line: nesting depth, aliases to collections, a node that contains
 * an alias to itself (which would make every walk of the tree endless), and the node count with
 * every alias expanded (the "billion laughs" document stays small on disk).
 */
final class YamlBounds {
    private final InputLimits limits;
    private final String source;
    /** Anchor name to the node count of its subtree, aliases expanded. */
    private final Map<String, Long> anchorSize = new HashMap<>();
    private final Deque<Frame> open = new ArrayDeque<>();
    private long expanded;
    private int aliases;

    private static final class Frame {
        final String anchor;
        long nodes = 1;

        Frame(String anchor) {
            this.anchor = anchor;
        }
    }

    private YamlBounds(InputLimits limits, String source) {
        this.limits = limits;
        this.source = source;
    }

    /** Scans {@code text}; syntax errors are left for the composer to report. */
    static void check(String text, String source, InputLimits limits, LoaderOptions options) {
        YamlBounds b = new YamlBounds(limits, source);
        for (Event e : new Yaml(options).parse(new StringReader(text))) {
            b.accept(e);
        }
    }

    private void accept(Event e) {
        if (e instanceof AliasEvent a) {
            alias(a);
        } else if (e instanceof CollectionStartEvent c) {
            addNodes(1, e);
            if (open.size() >= limits.maxDepth()) {
                throw error(e, "nesting deeper than " + limits.maxDepth() + " levels of mappings"
                        + " and sequences; the limit is " + limits.maxDepth());
            }
            open.push(new Frame(c.getAnchor()));
        } else if (e instanceof CollectionEndEvent) {
            Frame f = open.pop();
            if (f.anchor != null) {
                anchorSize.put(f.anchor, f.nodes);
            }
        } else if (e instanceof ScalarEvent s) {
            addNodes(1, e);
            if (s.getAnchor() != null) {
                anchorSize.put(s.getAnchor(), 1L);
            }
        }
    }

    private void alias(AliasEvent a) {
        String name = a.getAnchor();
        for (Frame f : open) {
            if (name.equals(f.anchor)) {
                throw error(a, "alias *" + name + " refers to a node that contains it (a"
                        + " recursive structure); expected a tree");
            }
        }
        Long size = anchorSize.get(name);
        if (size == null) {
            return; // undefined anchor: the composer reports it
        }
        if (size > 1 && ++aliases > limits.maxAliases()) {
            throw error(a, "more than " + limits.maxAliases() + " aliases to mappings or"
                    + " sequences; the limit is " + limits.maxAliases());
        }
        addNodes(size, a);
    }

    private void addNodes(long n, Event at) {
        for (Frame f : open) {
            f.nodes += n;
        }
        expanded += n;
        if (expanded > limits.maxExpandedNodes()) {
            throw error(at, "the document expands to more than " + limits.maxExpandedNodes()
                    + " nodes with its aliases resolved; the limit is "
                    + limits.maxExpandedNodes());
        }
    }

    private ConfigException error(Event e, String message) {
        Mark m = e.getStartMark();
        return new ConfigException(source, m == null ? 0 : m.getLine() + 1,
                m == null ? 0 : m.getColumn() + 1, message);
    }
}
