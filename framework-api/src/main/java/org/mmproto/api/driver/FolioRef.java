package org.mmproto.api.driver;

import org.mmproto.api.ZoneType;

/** What a driver may see of a folio: read-only facts, never engine internals. */
public record FolioRef(long pfn, int order, int nid, ZoneType zone, boolean anon, int mapcount) {
    public long nrPages() {
        return 1L << order;
    }
}
