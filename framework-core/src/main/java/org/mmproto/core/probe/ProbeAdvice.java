package org.mmproto.core.probe;

import net.bytebuddy.asm.Advice;

/** The code Byte Buddy inlines into a probed method: time the call, count it on exit (also by a throw). */
public final class ProbeAdvice {
    private ProbeAdvice() {
    }

    @Advice.OnMethodEnter
    public static long enter() {
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.Origin("#t\\##m") String method) {
        ProbeStats.record(method, System.nanoTime() - start);
    }
}
