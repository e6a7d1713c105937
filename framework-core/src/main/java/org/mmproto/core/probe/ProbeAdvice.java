package org.mmproto.core.probe;

import net.bytebuddy.asm.Advice;

/** The code Byte Buddy inlines into a probed method: time the call, count it on exit (also by a throw);
 * a call nested in another call of the same method counts once, as the outer call. */
public final class ProbeAdvice {
    private ProbeAdvice() {
    }

    /** The start time, or -1 for a call nested in another call of the method (an overload's). */
    @Advice.OnMethodEnter
    public static long enter(@Advice.Origin("#t\\##m") String method) {
        return ProbeStats.enter(method) ? System.nanoTime() : -1L;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.Origin("#t\\##m") String method) {
        if (ProbeStats.leave(method) && start >= 0) {
            ProbeStats.record(method, System.nanoTime() - start);
        }
    }
}
