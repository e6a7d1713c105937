package org.mmproto.samples.anondax;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeOptIns;

/**
 * A context without an engine: memory hotplug answers as mm/MemoryOnline would (a zone change
 * without unplug or an unplug with {@link #mappedPages} > 0 is -EBUSY), registrations recorded.
 */
final class FakeContext implements DriverContext {
    final Map<String, Long> counters = new TreeMap<>();
    final List<NodeOptIns> registrations = new ArrayList<>();
    HotplugState state = HotplugState.UNPLUGGED;
    long mappedPages;

    @Override public int nid() { return 2; }
    @Override public ZoneType zone() { return state == HotplugState.ONLINE_MOVABLE ? ZoneType.MOVABLE : ZoneType.NORMAL; }
    @Override public long managedPages() { return state.online() ? 1 << 18 : 0; }
    @Override public long freePages() { return managedPages() - mappedPages; }
    @Override public long usedPages() { return mappedPages; }
    @Override public long allocOwn(int order) { return -12; }
    @Override public void freeOwn(long pfn) { throw new IllegalArgumentException("not owned: " + pfn); }
    @Override public long ownedPages() { return 0; }
    @Override public void releaseKept(long pfn) { }
    @Override public long keptFolios() { return 0; }
    @Override public void reportPressure(int pressure) { }
    @Override public void reportCapacity(long physicalPages) { }
    @Override public void requestPromotion(long pfn) { }

    @Override
    public HotplugState hotplugState() {
        return state;
    }

    @Override
    public int hotplug(HotplugState target, NodeOptIns optIns) {
        if (target.online() && state.online() && target != state) {
            return -16;
        }
        if (!target.online() && mappedPages > 0) {
            return -16;
        }
        if (target.online() && !state.online()) {
            registrations.add(optIns);
        }
        state = target;
        return 0;
    }

    @Override
    public void reportStat(String name, long value) {
        DriverContext.checkStatName(name);
        counters.put(name, value);
    }

    long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }
}
