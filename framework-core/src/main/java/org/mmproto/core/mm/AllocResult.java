package org.mmproto.core.mm;

import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;

/** What an allocation returned: a folio, or an errno. */
public sealed interface AllocResult {
    record Allocated(long pfn, int order, int nid, ZoneType zone) implements AllocResult {
    }

    record Failed(Errno errno) implements AllocResult {
    }
}
