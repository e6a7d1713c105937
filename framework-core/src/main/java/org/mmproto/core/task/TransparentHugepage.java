package org.mmproto.core.task;

/** /sys/kernel/mm/transparent_hugepage/enabled: read by the fault path, written by the scenario. */
public final class TransparentHugepage {
    /** The values of the sysfs file. */
    public enum Mode { ALWAYS, MADVISE, NEVER }

    private Mode mode = Mode.ALWAYS;

    public Mode mode() {
        return mode;
    }

    public void set(Mode mode) {
        this.mode = mode;
    }
}
