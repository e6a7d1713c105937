package org.mmproto.core.policy;

import org.mmproto.api.Errno;
import org.mmproto.core.task.Task;

/**
 * Finding the task a pid names for migrate_pages and move_pages, and the
 * {@code ptrace_may_access(PTRACE_MODE_READ_REALCREDS)} check, simplified: the caller may act on
 * a task of its own uid, or on any task with CAP_SYS_NICE. (The real check compares the whole
 * uid/gid sets, the target's dumpability and CAP_SYS_PTRACE, and runs LSM hooks.)
 */
final class TaskAccess {
    /** The task, or a negated errno. */
    record Found(int err, Task task) {
    }

    private TaskAccess() {
    }

    /** pid 0 is the caller (no permission check); an unknown pid is ESRCH; a refused one EPERM. */
    static Found find(PolicyServices k, Task caller, int pid) {
        if (pid == 0) {
            return new Found(0, caller);
        }
        Task t = k.task(pid);
        if (t == null) {
            return new Found(-Errno.ESRCH.code(), null);
        }
        if (!mayAccess(caller, t)) {
            return new Found(-Errno.EPERM.code(), null);
        }
        return new Found(0, t);
    }

    static boolean mayAccess(Task caller, Task target) {
        return caller == target || caller.uid() == target.uid() || caller.capable(Task.CAP_SYS_NICE);
    }
}
