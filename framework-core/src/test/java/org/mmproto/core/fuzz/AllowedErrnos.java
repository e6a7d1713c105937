package org.mmproto.core.fuzz;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.Errno;

/**
 * Per call, the errnos its man page (man-pages 6.x, section 2, ERRORS) allows; the fuzzer fails
 * on any other. Where Linux 6.12 returns an errno its man page omits, it is added here with the
 * source that returns it, so every entry is either documented or cited.
 */
final class AllowedErrnos {
    enum Call { MMAP, MUNMAP, MADVISE, MBIND, SET_MEMPOLICY, GET_MEMPOLICY, MOVE_PAGES, MOVE_PAGES_STATUS,
        MIGRATE_PAGES, FORK, PIN, TOUCH, ALLOC_PAGES }

    private static final Map<Call, Set<Errno>> ALLOWED = new EnumMap<>(Call.class);

    static {
        // mmap(2): EACCES EAGAIN EBADF EEXIST EINVAL ENFILE ENODEV ENOMEM EOVERFLOW EPERM ETXTBSY
        ALLOWED.put(Call.MMAP, EnumSet.of(Errno.EACCES, Errno.EAGAIN, Errno.EBADF, Errno.EEXIST, Errno.EINVAL,
                Errno.ENODEV, Errno.ENOMEM, Errno.EOVERFLOW, Errno.EPERM));
        // munmap(2) (same page): EINVAL; ENOMEM when a split would exceed the map count
        ALLOWED.put(Call.MUNMAP, EnumSet.of(Errno.EINVAL, Errno.ENOMEM));
        // madvise(2): EACCES EAGAIN EBADF EBUSY EFAULT EHWPOISON EINVAL EIO ENOMEM EPERM
        ALLOWED.put(Call.MADVISE, EnumSet.of(Errno.EACCES, Errno.EAGAIN, Errno.EBADF, Errno.EBUSY, Errno.EFAULT,
                Errno.EINVAL, Errno.EIO, Errno.ENOMEM, Errno.EPERM));
        // mbind(2): EFAULT EINVAL EIO ENOMEM EPERM
        ALLOWED.put(Call.MBIND, EnumSet.of(Errno.EFAULT, Errno.EINVAL, Errno.EIO, Errno.ENOMEM, Errno.EPERM));
        // set_mempolicy(2): EFAULT EINVAL ENOMEM
        ALLOWED.put(Call.SET_MEMPOLICY, EnumSet.of(Errno.EFAULT, Errno.EINVAL, Errno.ENOMEM));
        // get_mempolicy(2): EFAULT EINVAL
        ALLOWED.put(Call.GET_MEMPOLICY, EnumSet.of(Errno.EFAULT, Errno.EINVAL));
        // move_pages(2): E2BIG EACCES EFAULT EINVAL ENODEV ENOENT EPERM ESRCH; ENOMEM: mm/migrate.c
        // kernel_move_pages/do_pages_move return -ENOMEM when the batch cannot be allocated
        ALLOWED.put(Call.MOVE_PAGES, EnumSet.of(Errno.E2BIG, Errno.EACCES, Errno.EFAULT, Errno.EINVAL, Errno.ENODEV,
                Errno.ENOENT, Errno.EPERM, Errno.ESRCH, Errno.ENOMEM));
        // move_pages(2) "Page states in the status array": EACCES EBUSY EFAULT EIO EINVAL ENOENT ENOMEM;
        // EAGAIN: mm/migrate.c migrate_pages() reports a folio it retried to exhaustion as -EAGAIN
        ALLOWED.put(Call.MOVE_PAGES_STATUS, EnumSet.of(Errno.EACCES, Errno.EBUSY, Errno.EFAULT, Errno.EIO,
                Errno.EINVAL, Errno.ENOENT, Errno.ENOMEM, Errno.EAGAIN));
        // migrate_pages(2): EFAULT EINVAL EPERM ESRCH; ENOMEM: mm/mempolicy.c kernel_migrate_pages
        // (NODEMASK_SCRATCH allocation failure)
        ALLOWED.put(Call.MIGRATE_PAGES, EnumSet.of(Errno.EFAULT, Errno.EINVAL, Errno.EPERM, Errno.ESRCH,
                Errno.ENOMEM));
        // fork(2): EAGAIN ENOMEM ENOSYS ERESTARTNOINTR
        ALLOWED.put(Call.FORK, EnumSet.of(Errno.EAGAIN, Errno.ENOMEM));
        // pin_user_pages (mm/gup.c, no man page): -EFAULT (no VMA / no access), -ENOMEM, -EINVAL
        // (bad flags/length), -EBUSY/-EAGAIN (a longterm pin whose migration failed)
        ALLOWED.put(Call.PIN, EnumSet.of(Errno.EFAULT, Errno.ENOMEM, Errno.EINVAL, Errno.EBUSY, Errno.EAGAIN));
        // a user access is SIGSEGV/SIGBUS (EFAULT) or the OOM outcome (ENOMEM); EINVAL for a negative length
        ALLOWED.put(Call.TOUCH, EnumSet.of(Errno.EFAULT, Errno.ENOMEM, Errno.EINVAL));
        // alloc_pages returns NULL (ENOMEM) when it fails; the engine never invents another errno
        ALLOWED.put(Call.ALLOC_PAGES, EnumSet.of(Errno.ENOMEM));
    }

    private AllowedErrnos() {
    }

    /** Null when ret is a success or an allowed -errno, else what is wrong. */
    static String check(Call call, long ret) {
        if (ret >= 0 || ret < -4095) {
            return null; // not an errno: a value (addresses above 2^63 do not occur: TASK_SIZE is 47-bit)
        }
        Errno e = byCode((int) -ret);
        if (e != null && ALLOWED.get(call).contains(e)) {
            return null;
        }
        return call.name().toLowerCase(java.util.Locale.ROOT) + " returned " + (e == null ? ret : "-" + e.name())
                + ", which its man page does not allow (allowed: " + ALLOWED.get(call) + ")";
    }

    private static Errno byCode(int code) {
        for (Errno e : Errno.values()) {
            if (e.code() == code) {
                return e;
            }
        }
        return null;
    }
}
