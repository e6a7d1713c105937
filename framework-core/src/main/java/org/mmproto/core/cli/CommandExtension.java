package org.mmproto.core.cli;

/**
 * A subcommand another module adds to {@code mmproto} (found with {@link java.util.ServiceLoader}
 * on the class path: {@code META-INF/services/org.mmproto.core.cli.CommandExtension}), so that a
 * module built on framework-core, such as framework-conformance's {@code conform}, is a command
 * without framework-core depending on it.
 */
public interface CommandExtension {
    /** The subcommand's name. */
    String name();

    /** A new picocli command object (annotated {@code @Command}). */
    Object command();
}
