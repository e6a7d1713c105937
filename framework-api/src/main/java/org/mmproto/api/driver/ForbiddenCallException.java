package org.mmproto.api.driver;

/**
 * Thrown in place of a JDK call a driver may not make. The plugin class loader rewrites every
 * call of {@code System.exit}, {@code Runtime.exit}, {@code Runtime.halt} and {@code Thread.stop}
 * in a plugin's classes into a call of the matching static method here, which throws; the
 * engine's containment reports it naming the jar, the hook and the site (R3.6). Not meant to be
 * called by drivers directly.
 */
public final class ForbiddenCallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private ForbiddenCallException(String call) {
        super(call + " is not allowed in a driver: a plugin cannot end the process or stop threads");
    }

    /** The call that was refused, e.g. {@code System.exit(3)}. */
    public String call() {
        String m = getMessage();
        return m.substring(0, m.indexOf(" is not allowed"));
    }

    public static void systemExit(int status) {
        throw new ForbiddenCallException("System.exit(" + status + ")");
    }

    public static void runtimeExit(Runtime runtime, int status) {
        throw new ForbiddenCallException("Runtime.exit(" + status + ")");
    }

    public static void runtimeHalt(Runtime runtime, int status) {
        throw new ForbiddenCallException("Runtime.halt(" + status + ")");
    }

    public static void threadStop(Thread thread) {
        throw new ForbiddenCallException("Thread.stop()");
    }
}
