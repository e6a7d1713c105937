package org.mmproto.core.replay;

import java.util.HashMap;
import java.util.Map;
import org.mmproto.api.Errno;

/** errno names strace prints, to numbers (asm-generic/errno-base.h and errno.h, x86-64). */
final class ErrnoNames {
    private static final Map<String, Integer> NUMBERS = new HashMap<>();

    static {
        String[] base = {"EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
            "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
            "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP"};
        for (int i = 0; i < base.length; i++) {
            NUMBERS.put(base[i], i + 1);
        }
        NUMBERS.put("EWOULDBLOCK", 11);
        NUMBERS.put("EOVERFLOW", 75);
        NUMBERS.put("EOPNOTSUPP", 95);
        NUMBERS.put("ENOTSUP", 95);
        NUMBERS.put("ETIMEDOUT", 110);
        NUMBERS.put("EHWPOISON", 133);
        NUMBERS.put("ERESTARTSYS", 512);
        NUMBERS.put("ERESTARTNOINTR", 513);
        NUMBERS.put("ERESTARTNOHAND", 514);
        NUMBERS.put("ERESTART_RESTARTBLOCK", 516);
    }

    private ErrnoNames() {
    }

    /** The name of errno {@code code} ({@code EPERM}), or its number when it has none here. */
    static String name(int code) {
        for (Errno e : Errno.values()) {
            if (e.code() == code) {
                return e.name();
            }
        }
        return NUMBERS.entrySet().stream().filter(x -> x.getValue() == code).map(Map.Entry::getKey).sorted()
                .findFirst().orElse(String.valueOf(code));
    }

    /** The errno number of {@code name}, or -1 when it is not one. */
    static int number(String name) {
        try {
            return Errno.valueOf(name).code();
        } catch (IllegalArgumentException e) {
            return NUMBERS.getOrDefault(name, -1);
        }
    }
}
