package org.mmproto.core.scenario;

/** Thrown inside a step that cannot run (a mapping whose mmap failed); becomes result "error". */
public final class StepError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StepError(String message) {
        super(message, null, false, false);
    }
}
