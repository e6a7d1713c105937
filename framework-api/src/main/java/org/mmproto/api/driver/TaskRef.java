package org.mmproto.api.driver;

/** The task on whose behalf an mm operation runs (pid 0 = a kernel context). */
public record TaskRef(int pid, String name, int uid) {
    public static final TaskRef KERNEL = new TaskRef(0, "kernel", 0);
}
