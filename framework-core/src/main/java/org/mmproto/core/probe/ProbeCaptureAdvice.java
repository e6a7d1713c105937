package org.mmproto.core.probe;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@link ProbeAdvice} for a probe asked to capture ({@code NAME:args}, {@code :ret}): the
 * arguments on entry and the return value (or the exception) on exit also go to the trace,
 * as a kprobe and a kretprobe would record them.
 */
public final class ProbeCaptureAdvice {
    private ProbeCaptureAdvice() {
    }

    @Advice.OnMethodEnter
    public static long enter(@Advice.Origin("#t\\##m") String method,
                             @Advice.AllArguments(typing = Assigner.Typing.DYNAMIC) Object[] args) {
        if (!ProbeStats.enter(method)) {
            return -1L;
        }
        ProbeStats.entered(method, args);
        return System.nanoTime();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class)
    public static void exit(@Advice.Enter long start, @Advice.Origin("#t\\##m") String method,
                            @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object ret,
                            @Advice.Thrown Throwable thrown) {
        if (ProbeStats.leave(method) && start >= 0) {
            ProbeStats.record(method, System.nanoTime() - start);
            ProbeStats.returned(method, ret, thrown);
        }
    }
}
