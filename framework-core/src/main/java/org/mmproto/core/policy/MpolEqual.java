package org.mmproto.core.policy;

import org.mmproto.core.task.MemPolicy;

/**
 * mpol_equal: two policies are the same for VMA splitting when mode, flags and home node agree,
 * the user masks agree where the flags keep one, and the effective nodes agree (LOCAL has none).
 * Null (MPOL_DEFAULT) equals only null.
 */
public final class MpolEqual {
    private MpolEqual() {
    }

    public static boolean equal(MemPolicy a, MemPolicy b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a.mode() != b.mode() || a.flags() != b.flags() || a.homeNode() != b.homeNode()) {
            return false;
        }
        if ((a.flags() & MemPolicy.MPOL_MODE_FLAGS) != 0 && !a.userNodes().equals(b.userNodes())) {
            return false;
        }
        return a.mode() == MemPolicy.MPOL_LOCAL || a.nodes().equals(b.nodes());
    }
}
