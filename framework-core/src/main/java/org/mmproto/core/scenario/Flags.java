package org.mmproto.core.scenario;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.core.config.Suggestions;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.MmOps;

/**
 * The kernel names of syscall mode and flag arguments, one vocabulary per argument. A value is
 * written as {@code |}-joined names and numbers ({@code MPOL_BIND|MPOL_F_STATIC_NODES},
 * {@code MPOL_MF_MOVE|0x100}); numbers carry any bits, so unknown-bit EINVAL cases can be
 * written, while an unknown name is a scenario error with a did-you-mean.
 */
public enum Flags {
    /** set_mempolicy/mbind {@code mode}: a mode OR-ed with mode flags. */
    MPOL_MODE("a memory policy mode (MPOL_DEFAULT, MPOL_BIND, ...) with optional mode flags (MPOL_F_STATIC_NODES, ...)",
            entries("MPOL_DEFAULT", MemPolicy.MPOL_DEFAULT, "MPOL_PREFERRED", MemPolicy.MPOL_PREFERRED,
                    "MPOL_BIND", MemPolicy.MPOL_BIND, "MPOL_INTERLEAVE", MemPolicy.MPOL_INTERLEAVE,
                    "MPOL_LOCAL", MemPolicy.MPOL_LOCAL, "MPOL_PREFERRED_MANY", MemPolicy.MPOL_PREFERRED_MANY,
                    "MPOL_WEIGHTED_INTERLEAVE", MemPolicy.MPOL_WEIGHTED_INTERLEAVE,
                    "MPOL_F_STATIC_NODES", MemPolicy.MPOL_F_STATIC_NODES,
                    "MPOL_F_RELATIVE_NODES", MemPolicy.MPOL_F_RELATIVE_NODES,
                    "MPOL_F_NUMA_BALANCING", MemPolicy.MPOL_F_NUMA_BALANCING)),
    /** mbind and move_pages {@code flags}. */
    MPOL_MF("mbind/move_pages flags (MPOL_MF_STRICT, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_LAZY)",
            entries("MPOL_MF_STRICT", MemPolicy.MPOL_MF_STRICT, "MPOL_MF_MOVE", MemPolicy.MPOL_MF_MOVE,
                    "MPOL_MF_MOVE_ALL", MemPolicy.MPOL_MF_MOVE_ALL, "MPOL_MF_LAZY", MemPolicy.MPOL_MF_LAZY)),
    /** get_mempolicy {@code flags}. */
    GET_MEMPOLICY("get_mempolicy flags (MPOL_F_NODE, MPOL_F_ADDR, MPOL_F_MEMS_ALLOWED)",
            entries("MPOL_F_NODE", MemPolicy.MPOL_F_NODE, "MPOL_F_ADDR", MemPolicy.MPOL_F_ADDR,
                    "MPOL_F_MEMS_ALLOWED", MemPolicy.MPOL_F_MEMS_ALLOWED)),
    /** mmap {@code prot}. */
    PROT("mmap prot (PROT_NONE, PROT_READ, PROT_WRITE, PROT_EXEC)",
            entries("PROT_NONE", 0, "PROT_READ", MmOps.PROT_READ, "PROT_WRITE", MmOps.PROT_WRITE,
                    "PROT_EXEC", MmOps.PROT_EXEC)),
    /** mmap {@code flags}. */
    MAP("mmap flags (MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_NORESERVE)",
            entries("MAP_SHARED", MmOps.MAP_SHARED, "MAP_PRIVATE", MmOps.MAP_PRIVATE, "MAP_FIXED", MmOps.MAP_FIXED,
                    "MAP_ANONYMOUS", MmOps.MAP_ANONYMOUS, "MAP_ANON", MmOps.MAP_ANONYMOUS,
                    "MAP_NORESERVE", MmOps.MAP_NORESERVE)),
    /** madvise {@code advice}. */
    MADV("madvise advice (MADV_DONTNEED, MADV_FREE, MADV_COLD, MADV_PAGEOUT, MADV_MERGEABLE, MADV_UNMERGEABLE,"
            + " MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_COLLAPSE)",
            entries("MADV_DONTNEED", MmOps.MADV_DONTNEED, "MADV_FREE", MmOps.MADV_FREE, "MADV_COLD", MmOps.MADV_COLD,
                    "MADV_PAGEOUT", MmOps.MADV_PAGEOUT, "MADV_MERGEABLE", MmOps.MADV_MERGEABLE,
                    "MADV_UNMERGEABLE", MmOps.MADV_UNMERGEABLE, "MADV_HUGEPAGE", MmOps.MADV_HUGEPAGE,
                    "MADV_NOHUGEPAGE", MmOps.MADV_NOHUGEPAGE, "MADV_COLLAPSE", MmOps.MADV_COLLAPSE)),
    /** pin_user_pages {@code gup_flags}. */
    FOLL("pin_user_pages gup_flags (FOLL_WRITE, FOLL_LONGTERM)",
            entries("FOLL_WRITE", Gup.FOLL_WRITE, "FOLL_LONGTERM", Gup.FOLL_LONGTERM)),
    /** The flags argument of set_mempolicy_home_node and other "must be 0" arguments: numbers only. */
    NONE("a number (this argument has no named flags)", entries());

    private final String what;
    private final Map<String, Long> names;

    Flags(String what, Map<String, Long> names) {
        this.what = what;
        this.names = names;
    }

    private static Map<String, Long> entries(Object... kv) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).longValue());
        }
        return m;
    }

    public String what() {
        return what;
    }

    public Map<String, Long> names() {
        return names;
    }

    /**
     * Parses {@code |}-joined names and numbers (decimal, 0x hex, a leading - for negatives).
     *
     * @throws IllegalArgumentException for an unknown name (with a did-you-mean, and a note when
     *     the name belongs to another argument) or a malformed number
     */
    public long parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty value; expected " + what);
        }
        long v = 0;
        for (String raw : t.split("\\|", -1)) {
            String tok = raw.strip();
            if (tok.isEmpty()) {
                throw new IllegalArgumentException("empty token in '" + t + "'; expected " + what);
            }
            Long named = names.get(tok);
            if (named != null) {
                v |= named;
                continue;
            }
            Long num = number(tok);
            if (num != null) {
                v |= num;
                continue;
            }
            StringBuilder msg = new StringBuilder("unknown name '" + tok + "'");
            msg.append(Suggestions.didYouMean(tok, names.keySet()));
            for (Flags other : values()) {
                if (other != this && other.names.containsKey(tok)) {
                    msg.append("; ").append(tok).append(" belongs to ").append(other.what);
                    break;
                }
            }
            msg.append("; expected ").append(what).append(", or a number for other bits");
            throw new IllegalArgumentException(msg.toString());
        }
        return v;
    }

    private static Long number(String tok) {
        boolean neg = tok.startsWith("-");
        String s = neg ? tok.substring(1) : tok;
        try {
            BigInteger v;
            if (s.startsWith("0x") || s.startsWith("0X")) {
                v = new BigInteger(s.substring(2).replace("_", ""), 16);
            } else if (s.matches("[0-9]+(_[0-9]+)*")) {
                v = new BigInteger(s.replace("_", ""));
            } else {
                return null;
            }
            if (v.bitLength() > 64) {
                throw new IllegalArgumentException("'" + tok + "' does not fit 64 bits");
            }
            long l = v.longValue();
            return neg ? -l : l;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Kernel-name rendering: {@code MPOL_BIND|MPOL_F_STATIC_NODES}, leftovers as hex; "0" for none. */
    public String format(long value) {
        List<String> parts = new ArrayList<>();
        long rest = value;
        if (this == MPOL_MODE || this == MADV) {
            long modeFlags = this == MPOL_MODE ? MemPolicy.MPOL_MODE_FLAGS : 0;
            long mode = value & ~modeFlags;
            String name = nameOf(mode, modeFlags);
            parts.add(name != null ? name : Long.toString(mode));
            rest = value & modeFlags;
        }
        for (Map.Entry<String, Long> e : names.entrySet()) {
            long bit = e.getValue();
            if (bit != 0 && Long.bitCount(bit) == 1 && (rest & bit) != 0
                    && !(this == MPOL_MODE && (bit & MemPolicy.MPOL_MODE_FLAGS) == 0)) {
                parts.add(e.getKey());
                rest &= ~bit;
            }
        }
        if (rest != 0) {
            parts.add("0x" + Long.toHexString(rest));
        }
        if (parts.isEmpty()) {
            return this == PROT ? "PROT_NONE" : "0";
        }
        return String.join("|", parts);
    }

    private String nameOf(long value, long exclude) {
        for (Map.Entry<String, Long> e : names.entrySet()) {
            if (e.getValue() == value && (e.getValue() & exclude) == 0) {
                return e.getKey();
            }
        }
        return null;
    }
}
