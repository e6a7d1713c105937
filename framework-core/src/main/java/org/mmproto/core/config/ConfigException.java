package org.mmproto.core.config;

/**
 * A bad configuration input, located in its file: {@code file:line:column: message}.
 *
 * <p>Line and column are 1-based; 0 means unknown and is left out of {@link #getMessage()}
 * ({@code file:line: message} when only the column is unknown, {@code file: message} when both
 * are). The message says what was found and what was expected.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String detail;

    public ConfigException(String file, int line, int column, String message) {
        this(file, line, column, message, null);
    }

    public ConfigException(String file, int line, int column, String message, Throwable cause) {
        super(format(file, line, column, message), cause);
        this.file = file;
        this.line = Math.max(0, line);
        this.column = this.line == 0 ? 0 : Math.max(0, column);
        this.detail = message;
    }

    /** An error about a whole file (no position). */
    public ConfigException(String file, String message) {
        this(file, 0, 0, message, null);
    }

    private static String format(String file, int line, int column, String message) {
        StringBuilder sb = new StringBuilder();
        if (file != null && !file.isEmpty()) {
            sb.append(file);
            if (line > 0) {
                sb.append(':').append(line);
                if (column > 0) {
                    sb.append(':').append(column);
                }
            }
            sb.append(": ");
        } else if (line > 0) {
            sb.append("line ").append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
            sb.append(": ");
        }
        return sb.append(message).toString();
    }

    /** The file or source name ({@code bundled:default}); may be null. */
    public String file() {
        return file;
    }

    /** 1-based line, 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based column, 0 when unknown. */
    public int column() {
        return column;
    }

    /** The message without the {@code file:line:column: } prefix. */
    public String detail() {
        return detail;
    }
}
