package org.mmproto.core.mm;

import java.util.ArrayList;
import java.util.List;

/**
 * The registered shrinkers (register_shrinker) shrink_node calls for its node (shrink_slab),
 * each asked how many objects it could free and given a scan count by do_shrink_slab's rule:
 * {@code (freeable >> priority) * 4 / DEFAULT_SEEKS}, at most twice the freeable count. The
 * kernel's nr_deferred carry-over between calls is not modelled.
 */
public final class Shrinkers {
    /** One shrinker: count_objects and scan_objects for a node. */
    public interface Shrinker {
        long count(int nid);

        /** Scans up to nrToScan objects of node nid; returns the objects freed. */
        long scan(int nid, long nrToScan);
    }

    private static final int DEFAULT_SEEKS = 2;
    private final List<Shrinker> shrinkers = new ArrayList<>();

    public void register(Shrinker s) {
        shrinkers.add(s);
    }

    /** shrink_slab for node nid at reclaim priority; returns the objects freed. */
    public long shrink(int nid, int priority) {
        long freed = 0;
        for (Shrinker s : shrinkers) {
            long freeable = s.count(nid);
            if (freeable == 0) {
                continue;
            }
            long scan = Math.min((freeable >> priority) * 4 / DEFAULT_SEEKS, 2 * freeable);
            if (scan > 0) {
                freed += s.scan(nid, scan);
            }
        }
        return freed;
    }
}
