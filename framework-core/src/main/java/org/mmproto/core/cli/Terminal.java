package org.mmproto.core.cli;

import java.io.Console;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr, where every progress bar is drawn, is a terminal: the default of every
 * {@code --progress}. On Linux the answer is where {@code /proc/self/fd/2} points (a
 * {@code /dev/pts/N} or {@code /dev/ttyN} device, not a pipe or a file), so
 * {@code mmproto run X > out.txt} still shows the bar and {@code mmproto run X 2> log} does not.
 * Elsewhere it falls back to the console: up to JDK 21 {@link System#console()} is null when
 * stdin or stdout is redirected; from JDK 22 {@code Console.isTerminal()} (called reflectively:
 * the code targets 17) tells.
 */
final class Terminal {
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private Terminal() {
    }

    static boolean attached() {
        return attached(STDERR);
    }

    /** Whether {@code fd}, a /proc fd link, names a terminal; the console's answer when it cannot be read. */
    static boolean attached(Path fd) {
        if (Files.isSymbolicLink(fd)) {
            try {
                return isTerminalDevice(Files.readSymbolicLink(fd).toString());
            } catch (IOException | UnsupportedOperationException | SecurityException e) {
                // fall back to the console
            }
        }
        return console();
    }

    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    private static boolean console() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
