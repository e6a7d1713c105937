package org.mmproto.api.design;

/** What khugepaged / MADV_COLLAPSE does with folios of a private node. */
public enum CollapsePlan {
    /** Skip them (SCAN_PAGE_NULL, as for ZONE_DEVICE): no collapse. */
    SKIP,
    /** Collapse, with the new THP allocated on the node itself only (__GFP_THISNODE). */
    ON_NODE_ONLY,
    /** Mainline: the THP goes to the node that held most of the pages, with normal fallback. */
    MAINLINE
}
