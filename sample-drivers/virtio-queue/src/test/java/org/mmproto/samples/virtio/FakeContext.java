package org.mmproto.samples.virtio;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;

/** A context without an engine: allocOwn hands out pfns from 0x1000 up to a limit, statistics keep the latest value. */
final class FakeContext implements DriverContext {
    final Map<String, Long> counters = new TreeMap<>();
    final Map<Long, Integer> owned = new HashMap<>();
    long next = 0x1000;
    long limit = Long.MAX_VALUE;

    @Override public int nid() { return 2; }
    @Override public ZoneType zone() { return ZoneType.NORMAL; }
    @Override public long managedPages() { return 1 << 18; }
    @Override public long freePages() { return 0; }
    @Override public long usedPages() { return 0; }

    @Override
    public long allocOwn(int order) {
        if (next >= limit) {
            return -12;
        }
        long pfn = next;
        next += 1L << order;
        owned.put(pfn, order);
        return pfn;
    }

    @Override
    public void freeOwn(long pfn) {
        if (owned.remove(pfn) == null) {
            throw new IllegalArgumentException("not owned: " + pfn);
        }
    }

    @Override public long ownedPages() { return owned.values().stream().mapToLong(o -> 1L << o).sum(); }
    @Override public void releaseKept(long pfn) { }
    @Override public long keptFolios() { return 0; }
    @Override public void reportPressure(int pressure) { }
    @Override public void reportCapacity(long physicalPages) { }
    @Override public void requestPromotion(long pfn) { }

    @Override
    public void reportStat(String name, long value) {
        DriverContext.checkStatName(name);
        counters.put(name, value);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }
}
