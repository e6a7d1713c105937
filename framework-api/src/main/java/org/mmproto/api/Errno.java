package org.mmproto.api;

/** Linux errno values (x86-64 numbering) that the syscall layer and the hooks return. */
public enum Errno {
    EPERM(1), ENOENT(2), ESRCH(3), EIO(5), E2BIG(7), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13),
    EFAULT(14), EBUSY(16), EEXIST(17), EXDEV(18), ENODEV(19), EINVAL(22), ENOSPC(28), EOVERFLOW(75), EOPNOTSUPP(95);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The positive errno number; syscalls return its negation. */
    public int code() {
        return code;
    }

    public static Errno fromCode(int code) {
        int c = Math.abs(code);
        for (Errno e : values()) {
            if (e.code == c) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown errno " + code);
    }
}
