package org.mmproto.core.cli;

import java.io.Console;
import java.lang.reflect.Method;

/**
 * Whether the process talks to a terminal, the default of every {@code --progress}. Up to JDK 21
 * {@link System#console()} is null when stdin or stdout is redirected; from JDK 22 it returns a
 * console regardless and {@code Console.isTerminal()} (called reflectively: the code targets 17)
 * tells.
 */
final class Terminal {
    private Terminal() {
    }

    static boolean attached() {
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
