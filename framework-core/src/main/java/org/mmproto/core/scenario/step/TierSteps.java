package org.mmproto.core.scenario.step;

import org.mmproto.api.Errno;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.StepOutcome;
import org.yaml.snakeyaml.nodes.Node;

/** What the demote and promote steps share: the node argument and the outcome. */
final class TierSteps {
    private TierSteps() {
    }

    static int node(ParseContext p, Node n) {
        YamlTree tree = p.tree();
        int nid = tree.intValue(n, 0, Integer.MAX_VALUE);
        if (nid >= p.machine().nodeCount()) {
            throw tree.error(n, "node " + nid + " does not exist on machine " + p.machine().name() + " (nodes 0-"
                    + (p.machine().nodeCount() - 1) + ")");
        }
        return nid;
    }

    static StepOutcome outcome(long got, long asked, String summary) {
        long r = got >= asked ? 0 : -Errno.EAGAIN.code();
        return StepOutcome.raw(r).put("pages", got).summary(summary + (r == 0 ? "" : " = -EAGAIN"));
    }
}
