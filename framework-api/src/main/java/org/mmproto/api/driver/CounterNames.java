package org.mmproto.api.driver;

import java.util.regex.Pattern;

/** The form of a driver counter's name ({@link DriverContext#count}, CONTRACT R1.9). */
public final class CounterNames {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private CounterNames() {
    }

    /** Whether {@code name} is lowercase letters, digits and {@code _}, starting with a letter, at most 64 long. */
    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Returns {@code name}, or throws {@link IllegalArgumentException} saying what a name must be. */
    public static String check(String name) {
        if (!valid(name)) {
            throw new IllegalArgumentException("driver counter name '" + name
                    + "': expected lowercase letters, digits and _, starting with a letter (at most 64)");
        }
        return name;
    }
}
