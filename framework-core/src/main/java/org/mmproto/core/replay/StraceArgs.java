package org.mmproto.core.replay;

import java.util.Map;
import org.mmproto.core.policy.UserMask;
import org.mmproto.core.task.MemPolicy;

/** Reads strace's argument notation: numbers, NULL, flag names joined by '|', bracketed arrays. */
final class StraceArgs {
    static final Map<String, Long> MAP_FLAGS = Map.ofEntries(Map.entry("MAP_SHARED", 0x01L),
            Map.entry("MAP_PRIVATE", 0x02L), Map.entry("MAP_SHARED_VALIDATE", 0x03L), Map.entry("MAP_FIXED", 0x10L),
            Map.entry("MAP_ANONYMOUS", 0x20L), Map.entry("MAP_32BIT", 0x40L), Map.entry("MAP_GROWSDOWN", 0x100L),
            Map.entry("MAP_DENYWRITE", 0x800L), Map.entry("MAP_EXECUTABLE", 0x1000L),
            Map.entry("MAP_LOCKED", 0x2000L), Map.entry("MAP_NORESERVE", 0x4000L),
            Map.entry("MAP_POPULATE", 0x8000L), Map.entry("MAP_NONBLOCK", 0x10000L),
            Map.entry("MAP_STACK", 0x20000L), Map.entry("MAP_HUGETLB", 0x40000L), Map.entry("MAP_SYNC", 0x80000L),
            Map.entry("MAP_FIXED_NOREPLACE", 0x100000L), Map.entry("MAP_UNINITIALIZED", 0x4000000L));
    static final Map<String, Long> PROT = Map.of("PROT_NONE", 0L, "PROT_READ", 1L, "PROT_WRITE", 2L,
            "PROT_EXEC", 4L, "PROT_SEM", 8L, "PROT_GROWSDOWN", 0x01000000L, "PROT_GROWSUP", 0x02000000L);
    static final Map<String, Long> MADV = Map.ofEntries(Map.entry("MADV_NORMAL", 0L), Map.entry("MADV_RANDOM", 1L),
            Map.entry("MADV_SEQUENTIAL", 2L), Map.entry("MADV_WILLNEED", 3L), Map.entry("MADV_DONTNEED", 4L),
            Map.entry("MADV_FREE", 8L), Map.entry("MADV_REMOVE", 9L), Map.entry("MADV_DONTFORK", 10L),
            Map.entry("MADV_DOFORK", 11L), Map.entry("MADV_MERGEABLE", 12L), Map.entry("MADV_UNMERGEABLE", 13L),
            Map.entry("MADV_HUGEPAGE", 14L), Map.entry("MADV_NOHUGEPAGE", 15L), Map.entry("MADV_DONTDUMP", 16L),
            Map.entry("MADV_DODUMP", 17L), Map.entry("MADV_WIPEONFORK", 18L), Map.entry("MADV_KEEPONFORK", 19L),
            Map.entry("MADV_COLD", 20L), Map.entry("MADV_PAGEOUT", 21L), Map.entry("MADV_POPULATE_READ", 22L),
            Map.entry("MADV_POPULATE_WRITE", 23L), Map.entry("MADV_DONTNEED_LOCKED", 24L),
            Map.entry("MADV_COLLAPSE", 25L));
    static final Map<String, Long> MREMAP = Map.of("MREMAP_MAYMOVE", 1L, "MREMAP_FIXED", 2L, "MREMAP_DONTUNMAP", 4L);
    static final Map<String, Long> MPOL_MODE = Map.of("MPOL_DEFAULT", (long) MemPolicy.MPOL_DEFAULT,
            "MPOL_PREFERRED", (long) MemPolicy.MPOL_PREFERRED, "MPOL_BIND", (long) MemPolicy.MPOL_BIND,
            "MPOL_INTERLEAVE", (long) MemPolicy.MPOL_INTERLEAVE, "MPOL_LOCAL", (long) MemPolicy.MPOL_LOCAL,
            "MPOL_PREFERRED_MANY", (long) MemPolicy.MPOL_PREFERRED_MANY,
            "MPOL_WEIGHTED_INTERLEAVE", (long) MemPolicy.MPOL_WEIGHTED_INTERLEAVE,
            "MPOL_F_STATIC_NODES", (long) MemPolicy.MPOL_F_STATIC_NODES,
            "MPOL_F_RELATIVE_NODES", (long) MemPolicy.MPOL_F_RELATIVE_NODES,
            "MPOL_F_NUMA_BALANCING", (long) MemPolicy.MPOL_F_NUMA_BALANCING);
    static final Map<String, Long> MPOL_MF = Map.of("MPOL_MF_STRICT", (long) MemPolicy.MPOL_MF_STRICT,
            "MPOL_MF_MOVE", (long) MemPolicy.MPOL_MF_MOVE, "MPOL_MF_MOVE_ALL", (long) MemPolicy.MPOL_MF_MOVE_ALL,
            "MPOL_MF_LAZY", (long) MemPolicy.MPOL_MF_LAZY);
    static final Map<String, Long> MPOL_F = Map.of("MPOL_F_NODE", (long) MemPolicy.MPOL_F_NODE,
            "MPOL_F_ADDR", (long) MemPolicy.MPOL_F_ADDR, "MPOL_F_MEMS_ALLOWED", (long) MemPolicy.MPOL_F_MEMS_ALLOWED);
    static final long CLONE_VM = 0x100;
    static final long CLONE_VFORK = 0x4000;
    static final long CLONE_THREAD = 0x10000;
    static final Map<String, Long> CLONE = Map.of("CLONE_VM", CLONE_VM, "CLONE_VFORK", CLONE_VFORK,
            "CLONE_THREAD", CLONE_THREAD);

    private final LineReader in;

    StraceArgs(LineReader in) {
        this.in = in;
    }

    /** A number as strace prints it: decimal, 0x hex, NULL, or a negative decimal. */
    long num(String t, long line, String what) {
        String s = t.strip();
        int c = s.indexOf(" /*");
        if (c > 0) {
            s = s.substring(0, c); // "0x7ffc... /* 35 vars */"
        }
        try {
            if (s.equals("NULL")) {
                return 0;
            }
            if (s.startsWith("0x")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new TraceFormatException(in.file(), line, "expected " + what + " (a number, 0x... or NULL), got '"
                    + LineReader.shorten(t) + "'");
        }
    }

    /**
     * Names from {@code table} and numbers joined by '|'. Names outside the table are an error
     * unless {@code lenient} (other bits of a flags word the replay does not use: clone's CLONE_FS):
     * a flag-like name ({@code [A-Z][A-Z0-9_]*}) is an {@link UnknownFlagName}, anything else a
     * {@link TraceFormatException}.
     */
    private static final java.util.regex.Pattern FLAG_NAME = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]*");

    long flags(String t, Map<String, Long> table, boolean lenient, long line, String what) {
        long v = 0;
        for (String tok : t.strip().split("\\|")) {
            String k = tok.strip();
            Long named = table.get(k);
            if (named != null) {
                v |= named;
            } else if (!k.isEmpty() && (Character.isDigit(k.charAt(0)) || k.equals("NULL"))) {
                v |= num(k, line, what);
            } else if (!lenient && FLAG_NAME.matcher(k).matches()) {
                throw new UnknownFlagName(k, in.file() + ":" + line + ": " + what + " '" + k + "' is not in the"
                        + " replay's tables");
            } else if (!lenient) {
                throw new TraceFormatException(in.file(), line, "expected " + what + ", got '" + k + "' in '"
                        + LineReader.shorten(t) + "'");
            }
        }
        return v;
    }

    /**
     * The CLONE_ flags of a clone-family call as logged: fork none, vfork CLONE_VM|CLONE_VFORK,
     * clone its {@code flags=} argument, clone3 the {@code flags=} member of its struct.
     */
    long cloneFlags(String name, String text, long line) {
        if (name.equals("fork")) {
            return 0;
        }
        if (name.equals("vfork")) {
            return CLONE_VM | CLONE_VFORK;
        }
        int eq = text.indexOf("flags=");
        if (eq < 0) {
            return 0;
        }
        int from = eq + "flags=".length();
        int to = from;
        while (to < text.length() && (Character.isLetterOrDigit(text.charAt(to)) || text.charAt(to) == '_'
                || text.charAt(to) == '|')) {
            to++;
        }
        return flags(text.substring(from, to), StraceArgs.CLONE, true, line, "CLONE_ flags");
    }

    /** A bracketed array of numbers ({@code [0x3]}, {@code [0x7f.., 0x7f..]}) or NULL. */
    long[] array(String t, long line, String what) {
        String s = t.strip();
        if (s.equals("NULL")) {
            return null;
        }
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new TraceFormatException(in.file(), line, "expected " + what + " as '[n, ...]' or NULL, got '"
                    + LineReader.shorten(t) + "'");
        }
        String body = s.substring(1, s.length() - 1).strip();
        if (body.isEmpty()) {
            return new long[0];
        }
        String[] parts = body.split("[,\\s]+");
        long[] out = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = num(parts[i], line, what);
        }
        return out;
    }

    /** A nodemask argument: NULL or the words strace printed. */
    UserMask mask(String t, long line) {
        long[] w = array(t, line, "a nodemask");
        return w == null ? UserMask.NULL : UserMask.of(w);
    }
}
