package org.mmproto.core.replay;

/**
 * A JSON document read token by token from a {@link LineReader} (never whole), so that a large
 * file streams and every error names {@code file:line}. Strings keep their escapes decoded;
 * numbers are kept as text.
 */
final class JsonTokens {
    enum Kind { BEGIN_OBJECT, END_OBJECT, BEGIN_ARRAY, END_ARRAY, COLON, COMMA, STRING, NUMBER, TRUE, FALSE, NULL, END }

    private final LineReader in;
    private String line = "";
    private int pos;
    private boolean eof;
    private Kind kind;
    private String text;
    private Kind peeked;
    private String peekedText;

    JsonTokens(LineReader in) {
        this.in = in;
    }

    LineReader reader() {
        return in;
    }

    /** The next token's kind without consuming it. */
    Kind peek() {
        if (peeked == null) {
            Kind k = read();
            peeked = k;
            peekedText = text;
        }
        return peeked;
    }

    /** Consumes the next token; its text is {@link #text()}. */
    Kind next() {
        if (peeked != null) {
            kind = peeked;
            text = peekedText;
            peeked = null;
            return kind;
        }
        kind = read();
        return kind;
    }

    String text() {
        return text;
    }

    /** Consumes a token of kind {@code k}, else fails saying {@code what} was expected. */
    void expect(Kind k, String what) {
        if (next() != k) {
            throw error(what);
        }
    }

    /** Skips one value (a scalar, or an object or array with everything in it). */
    void skipValue() {
        int depth = 0;
        do {
            Kind k = next();
            switch (k) {
                case BEGIN_OBJECT, BEGIN_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case END -> throw error("a JSON value");
                case COLON, COMMA -> {
                    if (depth == 0) {
                        throw error("a JSON value");
                    }
                }
                default -> {
                }
            }
        } while (depth > 0);
    }

    /** An error at the current line: {@code expected}, then what was found. */
    TraceFormatException error(String expected) {
        String got = kind == null ? "nothing" : switch (kind) {
            case STRING -> "\"" + LineReader.shorten(text) + "\"";
            case NUMBER -> text;
            case END -> "the end of the file";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
        return new TraceFormatException(in.file(), Math.max(in.line(), 1), "expected " + expected + ", got " + got);
    }

    private Kind read() {
        while (true) {
            if (eof) {
                text = null;
                return Kind.END;
            }
            while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
                pos++;
            }
            if (pos < line.length()) {
                break;
            }
            String s = in.next();
            if (s == null) {
                eof = true;
            } else {
                line = s;
                pos = 0;
            }
        }
        char c = line.charAt(pos);
        text = null;
        switch (c) {
            case '{' -> {
                pos++;
                return Kind.BEGIN_OBJECT;
            }
            case '}' -> {
                pos++;
                return Kind.END_OBJECT;
            }
            case '[' -> {
                pos++;
                return Kind.BEGIN_ARRAY;
            }
            case ']' -> {
                pos++;
                return Kind.END_ARRAY;
            }
            case ':' -> {
                pos++;
                return Kind.COLON;
            }
            case ',' -> {
                pos++;
                return Kind.COMMA;
            }
            case '"' -> {
                return string();
            }
            default -> {
                int start = pos;
                while (pos < line.length() && "{}[]:,\" \t".indexOf(line.charAt(pos)) < 0) {
                    pos++;
                }
                text = line.substring(start, pos);
                switch (text) {
                    case "true":
                        return Kind.TRUE;
                    case "false":
                        return Kind.FALSE;
                    case "null":
                        return Kind.NULL;
                    default:
                        if (text.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                            return Kind.NUMBER;
                        }
                        kind = null;
                        throw new TraceFormatException(in.file(), in.line(), "expected a JSON value, got '"
                                + LineReader.shorten(text) + "'");
                }
            }
        }
    }

    private Kind string() {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < line.length()) {
            char c = line.charAt(pos++);
            if (c == '"') {
                text = sb.toString();
                return Kind.STRING;
            }
            if (c == '\\' && pos < line.length()) {
                char e = line.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (pos + 4 > line.length()) {
                            throw new TraceFormatException(in.file(), in.line(), "expected 4 hex digits after \\u");
                        }
                        try {
                            sb.append((char) Integer.parseInt(line.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException x) {
                            throw new TraceFormatException(in.file(), in.line(), "expected 4 hex digits after \\u");
                        }
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        throw new TraceFormatException(in.file(), in.line(), "expected the end of a JSON string on its line");
    }
}
