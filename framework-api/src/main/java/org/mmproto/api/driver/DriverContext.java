package org.mmproto.api.driver;

import org.mmproto.api.ZoneType;

/**
 * The engine services of one bound node, handed to {@link PrivateNodeDriver#bind} (and to a
 * constructor that injects it while the driver is being created for that node). Every method
 * works from bind() on (R1.4), inside a call the engine made to the driver (or on the engine's
 * own thread); from another thread between calls, or after the driver was quarantined, it
 * throws {@link IllegalStateException} (R2.4).
 */
public interface DriverContext {
    /** The node this context belongs to. */
    int nid();

    /** The zone the machine onlined the node into (ZONE_NORMAL or ZONE_MOVABLE; R5.4). */
    ZoneType zone();

    /** The node's managed pages (its size). */
    long managedPages();

    /** Pages of the node in the buddy allocator (per-CPU lists not included, as nr_free_pages). */
    long freePages();

    /** Pages of the node in allocated folios, the driver's own ones included. */
    long usedPages();

    /**
     * Allocates a folio of {@code 2^order} pages from the node for the device itself (device-side
     * buffers). Neither the run's design nor this driver's own hooks are asked: the owner needs
     * no consent. Counted in {@link #usedPages()} and {@link #ownedPages()} (R1.5).
     *
     * @return the folio's pfn, or -errno (ENOMEM when the node has no such block, EINVAL for a bad order)
     */
    long allocOwn(int order);

    /**
     * Frees a folio {@link #allocOwn} returned; the free path's free_folio is not called for it.
     *
     * @throws IllegalArgumentException for a pfn that is not such a folio
     */
    void freeOwn(long pfn);

    /** Pages of the node the driver holds through {@link #allocOwn}. */
    long ownedPages();

    /** Returns a folio the driver kept (free_folio answered KEEP) to the buddy allocator. */
    void releaseKept(long pfn);

    /** Folios of the node the driver currently keeps. */
    long keptFolios();

    /**
     * The device's pressure on the node, 0 (idle) to 1000 (full: CRAM_PRESSURE_MAX); values
     * outside are clamped, as cram_set_pressure does. The engine records the latest (R1.6).
     */
    void reportPressure(int pressure);

    /**
     * The pages of real backing the device has left for the node (a compressed-RAM device may
     * report more struct pages than it can store). The engine records the latest (R1.6).
     */
    void reportCapacity(long physicalPages);

    /**
     * Nominates the folio at {@code pfn} (on this node) for proactive promotion to the nearest
     * top-tier node. The request joins a ring of 1024 (a full ring drops its oldest); the engine
     * promotes the ring's folios on the next tick under NUMA balancing's rate limit (R1.7).
     *
     * @throws IllegalArgumentException when {@code pfn} is not the head of an allocated folio of the node
     */
    void requestPromotion(long pfn);

    /**
     * Records one of the device's own statistics under {@code name} (lower case, digits and
     * {@code _}, as a debugfs file would be named; e.g. {@code poison_pages}), the latest value
     * kept. Statistics reach the run report and its JSON ({@code drivers[].stats}) and can be
     * expected ({@code driver: {NID: {NAME: ...}}}) (R1.9). A driver reports what it counted:
     * the engine never computes them.
     *
     * The default ignores the report (a context outside the engine, e.g. a unit test's stub).
     *
     * @throws IllegalArgumentException for a name that is not {@code [a-z][a-z0-9_]*} (at most 64 characters)
     */
    default void reportStat(String name, long value) {
        checkStatName(name);
    }

    /**
     * zone_set_no_alloc / zone_clear_no_alloc (v5 CRAM): the node's owner withdraws its memory
     * from allocation ({@code true}) or gives it back. Published state, not a callback: a design
     * reads it through {@code DriverAccess.allocationWithdrawn()} (zonelist-private refuses
     * demotion onto the node and every allocation from it while it is set); the owner's own
     * {@link #allocOwn} still works, as the branch's alloc_contig_range never walks a zonelist.
     * The engine records the latest. The default (a context outside the engine) ignores it.
     */
    default void withdrawAllocation(boolean withdrawn) {
    }

    /**
     * The node's memory hotplug state (R7.4): UNPLUGGED for a node the machine file declares
     * {@code online: none} until it is onlined, else the zone it is onlined into.
     */
    default HotplugState hotplugState() {
        return zone() == ZoneType.MOVABLE ? HotplugState.ONLINE_MOVABLE : HotplugState.ONLINE_KERNEL;
    }

    /**
     * Moves the node's memory to {@code target} (R7.4), as add_private_memory_driver_managed and
     * offline_and_remove_memory do: onlining registers the node again with {@code optIns} (the
     * capabilities are fixed at registration; their violations are EINVAL), rebuilds the node
     * states, zonelists and watermarks. Returns 0, or -EBUSY (online in another zone: unplug
     * first; or unplug while pages of the node are allocated), -EINVAL (a node the machine does
     * not let hotplug). The default is a context outside the engine.
     */
    default int hotplug(HotplugState target, NodeOptIns optIns) {
        throw new UnsupportedOperationException("hotplug needs the engine's context");
    }

    /**
     * schedule_delayed_work (R1.10): queues the driver's work {@code name} (a name as
     * {@link #reportStat}'s) to run {@code delayMs} milliseconds of simulated time from now, as a
     * {@link PrivateNodeDriver#delayedWork} call on the driver's lane, under the budget and
     * containment of every call. Returns false, the timer unchanged, when that work is already
     * pending (as the kernel's schedule_delayed_work); the callback may queue it again (periodic
     * work). The default is a context outside the engine: it has no clock, so it accepts the work
     * and never runs it.
     *
     * @throws IllegalArgumentException for a bad name, or {@code delayMs} outside 1..2^40
     * @throws IllegalStateException when {@link #MAX_DELAYED_WORK} other works are pending
     */
    default boolean scheduleDelayedWork(String name, long delayMs) {
        checkStatName(name);
        checkDelay(delayMs);
        return true;
    }

    /** cancel_delayed_work (R1.10): whether the work {@code name} was pending; it does not run. */
    default boolean cancelDelayedWork(String name) {
        return false;
    }

    /** The most works a driver may have pending at once (R1.10). */
    int MAX_DELAYED_WORK = 64;

    /** The longest delay {@link #scheduleDelayedWork} takes (2^40 ms). */
    long MAX_DELAY_MS = 1L << 40;

    /** The rule of {@link #scheduleDelayedWork}'s delays. */
    static void checkDelay(long delayMs) {
        if (delayMs < 1 || delayMs > MAX_DELAY_MS) {
            throw new IllegalArgumentException("delayed work: delay " + delayMs + " ms: expected 1.." + MAX_DELAY_MS);
        }
    }

    /** The rule of {@link #reportStat}'s names. */
    static void checkStatName(String name) {
        if (!validStatName(name)) {
            throw new IllegalArgumentException("statistic name '" + name + "': expected [a-z][a-z0-9_]*, at most 64 characters");
        }
    }

    /**
     * [a-z][a-z0-9_]{0,63}, checked by hand: drivers report their statistics on every device
     * callback, and a regex compiled per call was a fifth of a suite's run time.
     */
    private static boolean validStatName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64 || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_') {
                return false;
            }
        }
        return true;
    }
}
