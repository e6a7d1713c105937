package org.mmproto.core.config;

/**
 * Bounds on a machine file, scenario file or numactl text, checked before a parser sees the text:
 * SnakeYAML reads a long plain token in time quadratic in its length, and its own code-point limit
 * fires only after the token has been read, so the file size and line length are bounded first.
 *
 * @param maxBytes             largest file (bytes) or text (UTF-16 chars) accepted
 * @param maxLineChars         longest line; a numactl cpu line of 8192 cpus is about 40000
 * @param maxDepth             deepest YAML nesting of mappings and sequences
 * @param maxAliases           aliases ({@code *name}) to mappings or sequences per document
 * @param maxExpandedNodes     YAML nodes counted with every alias expanded
 */
public record InputLimits(int maxBytes, int maxLineChars, int maxDepth, int maxAliases,
                          int maxExpandedNodes) {
    /** The limits every input of mmproto is read with; documented in scenarios/README.md. */
    public static final InputLimits DEFAULT = new InputLimits(1 << 20, 65_536, 32, 100, 1_000_000);

    /** Rejects text longer than {@link #maxBytes} or with a line longer than {@link #maxLineChars}. */
    public void checkText(String text, String source) {
        if (text.length() > maxBytes) {
            throw new ConfigException(source, "the text is " + text.length() + " characters; the"
                    + " limit is " + maxBytes + " (" + Sizes.format(maxBytes) + ")");
        }
        int line = 1;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                if (i - start > maxLineChars) {
                    throw new ConfigException(source, line, maxLineChars + 1, "line " + line
                            + " is " + (i - start) + " characters long; the limit is "
                            + maxLineChars + " (split the value, or use a YAML list)");
                }
                line++;
                start = i + 1;
            }
        }
    }
}
