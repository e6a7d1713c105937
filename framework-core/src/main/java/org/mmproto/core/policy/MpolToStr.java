package org.mmproto.core.policy;

import org.mmproto.core.task.MemPolicy;

/**
 * mpol_to_str: {@code default | prefer | bind | interleave | weighted interleave | local |
 * prefer (many)}, then {@code =static} or {@code =relative}, then {@code |balancing} (or
 * {@code =balancing} alone), then {@code :<nodelist>} when the policy's nodes are not empty, e.g.
 * {@code bind=relative|balancing:1}, {@code interleave=static:0,2}, {@code prefer (many)=balancing:1-2}
 * (checked on realkernel 6.12). Null, the default policy, prints {@code default}.
 */
public final class MpolToStr {
    private static final String[] MODES = {
        "default", "prefer", "bind", "interleave", "local", "prefer (many)", "weighted interleave",
    };

    private MpolToStr() {
    }

    public static String of(MemPolicy pol) {
        if (pol == null) {
            return "default";
        }
        StringBuilder sb = new StringBuilder(MODES[pol.mode()]);
        int flags = pol.flags() & MemPolicy.MPOL_MODE_FLAGS;
        if (flags != 0) {
            sb.append('=');
            if ((flags & MemPolicy.MPOL_F_STATIC_NODES) != 0) {
                sb.append("static");
            } else if ((flags & MemPolicy.MPOL_F_RELATIVE_NODES) != 0) {
                sb.append("relative");
            }
            if ((flags & MemPolicy.MPOL_F_NUMA_BALANCING) != 0) {
                if (Integer.bitCount(flags) > 1) {
                    sb.append('|');
                }
                sb.append("balancing");
            }
        }
        boolean hasNodes = pol.mode() != MemPolicy.MPOL_LOCAL && pol.mode() != MemPolicy.MPOL_DEFAULT;
        if (hasNodes && !pol.nodes().isEmpty()) {
            sb.append(':').append(pol.nodes());
        }
        return sb.toString();
    }
}
