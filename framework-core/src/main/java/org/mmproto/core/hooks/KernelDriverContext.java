package org.mmproto.core.hooks;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.core.mm.Node;
import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;
import org.mmproto.core.mm.Zone;

/**
 * The engine services of one bound private node, and the record of what its driver told the
 * engine: pressure, capacity, promotion requests. Every call goes through the driver's lane, so
 * it works only inside a call the engine made to the driver or on the engine's thread (CONTRACT R2.4).
 */
public final class KernelDriverContext implements DriverContext {
    public static final int PRESSURE_MAX = 1000;

    private final int nid;
    private final ZoneType zone;
    private final PhysicalMemory mem;
    private final PageAllocator alloc;
    private final FolioRelease folioRelease;
    private final OwnerAllocations owner;
    private final DriverLane lane;
    private final Map<Long, Integer> owned = new HashMap<>();
    private final PromotionRing promotions = new PromotionRing();
    private long ownedPages;
    private int pressure;
    private long capacity = -1;
    private boolean pressureReported;
    private boolean withdrawn;
    private IntConsumer pressureListener;
    private final Map<String, Long> stats = new LinkedHashMap<>();
    private NodeHotplug hotplug = NodeHotplug.NONE;
    private DeviceWork work;

    KernelDriverContext(int nid, ZoneType zone, PhysicalMemory mem, PageAllocator alloc,
            FolioRelease folioRelease, OwnerAllocations owner, DriverLane lane) {
        this.nid = nid;
        this.zone = zone;
        this.mem = mem;
        this.alloc = alloc;
        this.folioRelease = folioRelease;
        this.owner = owner;
        this.lane = lane;
    }

    private <T> T engine(Supplier<T> s) {
        return lane.engine(s);
    }

    private void engineRun(Runnable r) {
        lane.engine(() -> {
            r.run();
            return null;
        });
    }

    private Node node() {
        return mem.node(nid);
    }

    @Override
    public int nid() {
        return nid;
    }

    @Override
    public ZoneType zone() {
        HotplugState s = hotplug.state(nid);
        if (s == HotplugState.ONLINE_MOVABLE) {
            return ZoneType.MOVABLE;
        }
        return s == HotplugState.ONLINE_KERNEL ? ZoneType.NORMAL : zone;
    }

    /** The kernel wires memory hotplug once its subsystems exist. */
    public void attachHotplug(NodeHotplug h) {
        this.hotplug = h;
    }

    /** The kernel's workqueue for the driver's delayed work (R1.10); without one, work is accepted and never runs. */
    void attachWork(DeviceWork w) {
        this.work = w;
    }

    @Override
    public boolean scheduleDelayedWork(String name, long delayMs) {
        DriverContext.checkStatName(name);
        DriverContext.checkDelay(delayMs);
        return engine(() -> work == null || work.schedule(nid, name, delayMs));
    }

    @Override
    public boolean cancelDelayedWork(String name) {
        return engine(() -> work != null && work.cancel(nid, name));
    }

    @Override
    public HotplugState hotplugState() {
        return engine(() -> {
            HotplugState s = hotplug.state(nid);
            return s != null ? s : DriverContext.super.hotplugState();
        });
    }

    @Override
    public int hotplug(HotplugState target, NodeOptIns optIns) {
        return engine(() -> hotplug.set(nid, target, optIns));
    }

    @Override
    public long managedPages() {
        return engine(() -> node().managedPages());
    }

    @Override
    public long freePages() {
        return engine(() -> node().freePages());
    }

    @Override
    public long usedPages() {
        return engine(() -> {
            long pcp = 0;
            for (Zone z : node().zones()) {
                pcp += z.pcpPages();
            }
            return node().managedPages() - node().freePages() - pcp;
        });
    }

    @Override
    public long allocOwn(int order) {
        return engine(() -> {
            if (order < 0 || order > Zone.MAX_PAGE_ORDER) {
                return (long) -Errno.EINVAL.code();
            }
            long pfn = owner.alloc(alloc, nid, order);
            if (pfn >= 0) {
                owned.put(pfn, order);
                ownedPages += 1L << order;
            }
            return pfn;
        });
    }

    @Override
    public void freeOwn(long pfn) {
        engineRun(() -> {
            Integer order = owned.get(pfn);
            if (order == null) {
                throw new IllegalArgumentException(String.format("pfn %#x is not a folio allocOwn gave node %d", pfn, nid));
            }
            owner.free(alloc, nid, pfn, order);
            owned.remove(pfn);
            ownedPages -= 1L << order;
        });
    }

    @Override
    public long ownedPages() {
        return engine(() -> ownedPages);
    }

    @Override
    public void releaseKept(long pfn) {
        engineRun(() -> folioRelease.releaseKept(pfn));
    }

    @Override
    public long keptFolios() {
        return engine(() -> folioRelease.keptFolios(nid));
    }

    @Override
    public void reportPressure(int p) {
        engineRun(() -> {
            int was = pressure;
            boolean first = !pressureReported;
            pressure = Math.max(0, Math.min(PRESSURE_MAX, p));
            pressureReported = true;
            if (pressureListener != null && (first || pressure != was)) {
                pressureListener.accept(pressure);
            }
        });
    }

    /**
     * Told every change of the reported pressure (the engine's watermark boost); a pressure
     * reported before (at bind) is told at once.
     */
    public void onPressure(IntConsumer listener) {
        this.pressureListener = listener;
        if (pressureReported) {
            listener.accept(pressure);
        }
    }

    @Override
    public void withdrawAllocation(boolean w) {
        engineRun(() -> withdrawn = w);
    }

    /** Whether the driver withdrew its node from allocation (withdrawAllocation), as last published. */
    public boolean allocationWithdrawnRecorded() {
        return withdrawn;
    }

    @Override
    public void reportCapacity(long physicalPages) {
        engineRun(() -> capacity = Math.max(0, physicalPages));
    }

    @Override
    public void reportStat(String name, long value) {
        DriverContext.checkStatName(name);
        engineRun(() -> stats.put(name, value));
    }

    @Override
    public void requestPromotion(long pfn) {
        engineRun(() -> {
            Zone z = mem.zoneOf(pfn);
            if (z == null || z.nid() != nid || alloc.folioOrder(pfn) < 0) {
                throw new IllegalArgumentException(String.format("pfn %#x is not an allocated folio of node %d", pfn, nid));
            }
            promotions.add(pfn);
        });
    }

    // ---- what the engine recorded (read by the engine and reports, not through the lane) ----

    /** Pages the driver holds through allocOwn. */
    public long ownedPagesRecorded() {
        return ownedPages;
    }

    /** The latest pressure the driver reported, 0 if none. */
    public int reportedPressure() {
        return pressure;
    }

    /** Whether the driver reported a pressure at all (0 is also a report). */
    public boolean pressureReported() {
        return pressureReported;
    }


    /** The latest capacity in pages the driver reported, -1 if none. */
    public long reportedCapacity() {
        return capacity;
    }

    /** The statistics the driver reported (R1.9), in first-report order, latest values. */
    public Map<String, Long> reportedStats() {
        return Collections.unmodifiableMap(stats);
    }

    /** The hot pfns the driver nominated (requestPromotion), drained by Tiering on each tick. */
    public PromotionRing promotionRing() {
        return promotions;
    }
}
