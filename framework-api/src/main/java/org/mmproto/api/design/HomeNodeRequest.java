package org.mmproto.api.design;

import org.mmproto.api.driver.TaskRef;

/**
 * set_mempolicy_home_node(start, len, home_node, flags) naming private node {@code nid} as the
 * home node of the VMA policies in [start, start + len), on behalf of {@code task}.
 */
public record HomeNodeRequest(int nid, long start, long len, TaskRef task) {
}
