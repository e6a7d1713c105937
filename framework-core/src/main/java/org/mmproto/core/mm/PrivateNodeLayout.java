package org.mmproto.core.mm;

import org.mmproto.api.design.Design;
import org.mmproto.api.design.NodeZonelists;

/**
 * What the run's design decided at boot for each node the machine marks private: whether it is
 * in N_MEMORY and where it appears in the zonelists. Ordinary nodes are never asked.
 */
public interface PrivateNodeLayout {
    boolean inNMemory(int nid);

    NodeZonelists zonelists(int nid);

    /** The layout a design chooses, asked directly (no dispatcher counts it: for tools and tests). */
    static PrivateNodeLayout of(Design design) {
        return new PrivateNodeLayout() {
            @Override
            public boolean inNMemory(int nid) {
                return design.inNMemory(nid);
            }

            @Override
            public NodeZonelists zonelists(int nid) {
                return design.zonelists(nid);
            }
        };
    }

    /** Mainline: there is no private node; the marked node is ordinary memory. */
    PrivateNodeLayout MAINLINE = new PrivateNodeLayout() {
        @Override
        public boolean inNMemory(int nid) {
            return true;
        }

        @Override
        public NodeZonelists zonelists(int nid) {
            return NodeZonelists.MAINLINE;
        }
    };
}
