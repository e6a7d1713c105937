package org.mmproto.core.replay;

import java.util.List;

/** One event of an strace log. */
public sealed interface StraceEvent {
    long line();

    int pid();

    /**
     * A completed system call (an unfinished/resumed pair joined).
     *
     * @param timeUs microseconds since the log's first timestamp (-1 without -tt)
     * @param args   the arguments as strace printed them, split at top-level commas
     * @param ret    the return value; -errno when strace logged {@code -1 ENAME}; 0 for {@code ?}
     * @param errno  the logged error name, or null
     * @param noReturn strace logged {@code = ?} (exit, a call the process never returned from)
     */
    record Call(long line, int pid, long timeUs, String name, List<String> args, long ret, String errno,
                boolean noReturn, String text) implements StraceEvent {
        public String arg(int i) {
            return i < args.size() ? args.get(i) : "";
        }
    }

    /** {@code +++ exited with N +++} or {@code +++ killed by SIG +++}: the task is gone. */
    record Exited(long line, int pid, long timeUs, String how) implements StraceEvent {
    }
}
