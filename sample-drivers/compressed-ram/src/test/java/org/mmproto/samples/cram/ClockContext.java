package org.mmproto.samples.cram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DelayedWork;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.PrivateNodeDriver;

/**
 * A context without an engine but with a clock: delayed work (R1.10) runs when {@link #advance}
 * passes its due time, at that time, as the engine's tick does; kept folios released are recorded.
 */
final class ClockContext implements DriverContext {
    final Map<String, Long> stats = new TreeMap<>();
    final List<Long> released = new ArrayList<>();
    final List<Long> promotions = new ArrayList<>();
    private final Map<String, long[]> pending = new LinkedHashMap<>();
    PrivateNodeDriver driver;
    long now;
    long pages = 1 << 16;

    @Override public int nid() { return 2; }
    @Override public ZoneType zone() { return ZoneType.NORMAL; }
    @Override public long managedPages() { return pages; }
    @Override public long freePages() { return pages; }
    @Override public long usedPages() { return 0; }
    /** Pages allocOwn may still hand out (a node whose buddy runs dry past them: ENOMEM); none by default. */
    long ownable;
    private long nextOwn = 0x100000;
    final java.util.Set<Long> owned = new java.util.HashSet<>();

    @Override
    public long allocOwn(int order) {
        if (ownable < 1L << order) {
            return -12;
        }
        ownable -= 1L << order;
        long pfn = nextOwn;
        nextOwn += 1L << order;
        owned.add(pfn);
        return pfn;
    }

    @Override
    public void freeOwn(long pfn) {
        if (!owned.remove(pfn)) {
            throw new IllegalArgumentException("not owned: " + pfn);
        }
        ownable++;
    }

    @Override public long ownedPages() { return owned.size(); }
    /** The node's hotplug state; null: the default (online, by the zone). */
    org.mmproto.api.driver.HotplugState hotplug;
    /** What hotplug() answers (0, or a negative errno). */
    int hotplugAnswer;
    final List<org.mmproto.api.driver.NodeOptIns> registrations = new ArrayList<>();

    @Override
    public org.mmproto.api.driver.HotplugState hotplugState() {
        return hotplug != null ? hotplug : DriverContext.super.hotplugState();
    }

    @Override
    public int hotplug(org.mmproto.api.driver.HotplugState target, org.mmproto.api.driver.NodeOptIns optIns) {
        if (hotplugAnswer < 0) {
            return hotplugAnswer;
        }
        if (target.online()) {
            registrations.add(optIns);
        } else if (!owned.isEmpty()) {
            return -16; // pages of the node still allocated: EBUSY
        }
        hotplug = target;
        return 0;
    }
    @Override public void releaseKept(long pfn) { released.add(pfn); }
    @Override public long keptFolios() { return 0; }
    int pressure;
    /** The latest withdrawAllocation the driver published (null: never). */
    Boolean withdrawn;
    int withdrawals;
    @Override public void withdrawAllocation(boolean w) { withdrawn = w; withdrawals++; }
    @Override public void reportPressure(int pressure) { this.pressure = pressure; }
    @Override public void reportCapacity(long physicalPages) { }
    @Override public void requestPromotion(long pfn) { promotions.add(pfn); }

    @Override
    public void reportStat(String name, long value) {
        DriverContext.checkStatName(name);
        stats.put(name, value);
    }

    @Override
    public boolean scheduleDelayedWork(String name, long delayMs) {
        DriverContext.checkDelay(delayMs);
        return pending.putIfAbsent(name, new long[] {now, now + delayMs}) == null;
    }

    @Override
    public boolean cancelDelayedWork(String name) {
        return pending.remove(name) != null;
    }

    /** When {@code name} is due, -1 when not pending. */
    long due(String name) {
        long[] t = pending.get(name);
        return t == null ? -1 : t[1];
    }

    /** {@code ms} pass: every work due by then runs at its due time, earliest first. */
    void advance(long ms) {
        long end = now + ms;
        for (;;) {
            String next = null;
            for (var e : pending.entrySet()) {
                if (e.getValue()[1] <= end && (next == null || e.getValue()[1] < pending.get(next)[1])) {
                    next = e.getKey();
                }
            }
            if (next == null) {
                break;
            }
            long[] t = pending.remove(next);
            now = t[1];
            driver.delayedWork(new DelayedWork(next, t[0], t[1]));
        }
        now = end;
    }

    long stat(String name) {
        return stats.getOrDefault(name, -1L);
    }
}
