package org.mmproto.samples.cram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import org.mmproto.api.Errno;
import org.mmproto.api.MigrateReason;
import org.mmproto.api.driver.Decisions.FaultAction;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Decisions.ReclaimPolicy;
import org.mmproto.api.driver.DelayedWork;
import org.mmproto.api.driver.DeviceLoad;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.HotplugState;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Requests.FaultRequest;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MemoryFailureEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Verdict;
import org.pf4j.Extension;

/**
 * mm/cram and the CXL compression device behind it (RFC v4 §9, the v5 CRAM branch §5): folios
 * arrive only by demotion (private anonymous ones), the node is write-protected and a write
 * promotes the folio to the faulting task's node, freed folios are scrubbed before reuse
 * (optionally through a flush buffer), reclaim from the node swaps. The device sees every store
 * to its memory (device_store, CONTRACT R4.16) and counts poison when data arrives with no
 * physical backing left. Capacity: v4 pressure or the v5 balloon ({@link CapacityModel}).
 * (Over 600 lines: the device attributes of deviceControl - cram, hotplug, balloon_inflate/deflate,
 * chicken_bit - change the balloon, the held-back pages and the hotplug state this class owns;
 * moving them and that state into a class of their own is the next split, not yet done.)
 */
@Extension
public final class CompressedRamDriver implements PrivateNodeDriver {
    private CramConfig config;
    private DriverContext ctx;
    private CompressedDevice device;
    private CapacityModel capacity;
    private TrimDevice trim;
    private final Deque<Long> balloon = new ArrayDeque<>();
    private final List<Deferred> flushBuffer = new ArrayList<>();
    private final Stats stats = new Stats();
    /** The operator's switch (LPC 2026): stop demoting to the device; never the v5 migration_blocked bit. */
    private boolean chickenBit;
    /** Convergence rounds of the v5 balloon worker that reserved nothing (mmproto's stall limit ends it). */
    private int convergeStalls;
    /** The balloon target of the last reconcile: a store that raises it lost backing. */
    private long lastTarget;
    /** What the driver last published through withdrawAllocation (v5; mmproto's model, not a branch name). */
    private boolean withdrawn;
    /** The folio handle_fault last asked to promote; its folio_migrate off the node proves the promotion, -1 none. */
    private long promoting = -1;
    /** The node's hotplug state as the device drove it (a node the machine onlined at boot starts online). */
    private HotplugState state = HotplugState.ONLINE_MOVABLE;
    /** The debugfs {@code cram} knob: the next online registers the node as CRAM's (true) or with no opt-ins. */
    private boolean cramKnob = true;
    /** Balloon pages the operator asked for beyond the ratio's target (debugfs inflate/deflate), as reserved. */
    private long manualBalloon;
    /** The pages beyond advertised held back at online (allocOwn), given back at unplug. */
    private final List<Long> heldBack = new ArrayList<>();

    /** A freed folio waiting in the flush buffer: its head and its size, all of which the flush sanitizes. */
    private record Deferred(long pfn, long nrPages) {}

    /** What the driver counted (reported under these names, R1.9). */
    static final class Stats {
        long demotionsAccepted;
        long demotionsRefused;
        long arrivalsRefused;
        long writePromotions;
        long scrubs;
        long deferredScrubs;
        long trimBatches;
        long trimRetries;
        long trimZeroed;
        long convergeRounds;
        long chickenFlips;
        long memoryFailures;
        long nominations;
        long flushes;
        long decays;
        long onlines;
        long unplugs;
        long controlRejected;
        long balloonCommands;
    }

    /** Page reads per folio head since its last nomination (the device's hotness tracking). */
    private final java.util.Map<Long, Long> reads = new java.util.HashMap<>();

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext context) {
        this.ctx = context;
        this.config = CramConfig.parse(binding.nid(), binding.pages(), binding.config());
        this.device = new CompressedDevice(config.physicalBytes(),
                new ContentModel(config.seed(), config.mix(), config.textBytes()));
        this.capacity = config.model() == CramConfig.Model.V4
                ? new CapacityModel.V4Pressure(config.lowThreshold(), config.highThreshold())
                : new CapacityModel.V5Balloon(config.zratio(), config.advertisedPages());
        this.trim = new TrimDevice(config.trimMode(), config.trimEagain());
        this.chickenBit = config.chickenBit();
        if (capacity instanceof CapacityModel.V5Balloon v5) {
            v5.blockMigration(config.migrationBlocked());
        }
        // a node the machine declares `online: none` binds unplugged: the memory comes with the hotplug attribute
        this.state = context.hotplugState();
        this.nodePages = binding.pages();
        if (state.online()) {
            holdBackUnadvertised(nodePages - config.advertisedPages());
            reconcileBalloon(false); // registration: best effort, nothing to block yet
        }
        report();
        return optIns();
    }

    private long nodePages;

    /**
     * CRAM's registration. v4: MIGRATION | DEMOTION | NUMA_BALANCING | PROTECT_WRITE | RECLAIM (§9);
     * v5: RECLAIM | DEMOTION | HOTUNPLUG | the write fence (writes copy-on-write, never in place).
     * With the {@code cram} knob at 0 the node registers with none (memory no design hands anything to).
     */
    private NodeOptIns optIns() {
        if (!cramKnob) {
            return new NodeOptIns(EnumSet.noneOf(NpOps.class), EnumSet.noneOf(NodeCap.class));
        }
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_DEMOTION, NpOps.NP_OPS_NUMA_BALANCING,
                NpOps.NP_OPS_PROTECT_WRITE, NpOps.NP_OPS_RECLAIM),
                EnumSet.of(NodeCap.NODE_PRIVATE_CAP_RECLAIM, NodeCap.NODE_PRIVATE_CAP_DEMOTION,
                        NodeCap.NODE_PRIVATE_CAP_HOTUNPLUG, NodeCap.NODE_PRIVATE_CAP_WRITE_FENCE));
    }

    /** The node's struct pages beyond the advertised size are never the kernel's. */
    private void holdBackUnadvertised(long pages) {
        for (long left = pages; left > 0; ) {
            int order = 63 - Long.numberOfLeadingZeros(Math.min(left, 1024));
            long pfn = ctx.allocOwn(order);
            if (pfn < 0) {
                throw new IllegalStateException("compressed-ram: node " + ctx.nid()
                        + ": could not hold back the pages beyond advertised");
            }
            heldBack.add(pfn);
            left -= 1L << order;
        }
    }

    // ---- arrivals: demotion only, with back-pressure ----

    @Override
    public MigrateTo migrateTo(MigrationRequest r) {
        if (r.reason() != MigrateReason.MR_DEMOTION) {
            stats.arrivalsRefused++;
            report();
            return MigrateTo.refuse(Errno.EPERM); // demotion-only: no move_pages, no mbind moves
        }
        Errno refusal = !r.folio().anon() ? Errno.EINVAL : chickenBit ? Errno.ENOSPC
                : capacity.admit(device, r.folio().nrPages()); // v5: the gate, converge_block, migration_blocked
        if (refusal != null) {
            stats.demotionsRefused++;
            report();
            return MigrateTo.refuse(refusal);
        }
        stats.demotionsAccepted++;
        report();
        return MigrateTo.ACCEPT;
    }

    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        // no data metadata to move (the copy reaches the device as a device_store); hotness starts over
        reads.remove(src.pfn());
        if (src.pfn() == promoting && src.nid() == ctx.nid()) {
            promoting = -1;
            stats.writePromotions++; // the write fault's promotion copied the folio off: it succeeded
            report();
        }
    }

    /** buddy-veto: free struct pages the device cannot back are "free, but not for you". */
    @Override
    public Verdict allocVeto(AllocRequest r) {
        if (r.reason() != MigrateReason.MR_DEMOTION) {
            stats.arrivalsRefused++;
            report();
            return Verdict.deny(Errno.ENOMEM, "compressed-ram: pages arrive only by demotion");
        }
        Errno refusal = chickenBit ? Errno.ENOSPC : capacity.admit(device, 1L << r.order());
        return refusal == null ? Verdict.ALLOW : Verdict.deny(Errno.ENOMEM, "compressed-ram: no physical backing");
    }

    /** gfp-flag's migration_blocked reads it: under v5, what the device publishes as its withdrawal. */
    @Override
    public int pressure(int nid) {
        return stopped() ? 1000 : currentPressure();
    }

    /**
     * The chicken bit, or under v5 any reason of the zone withdrawal (the sticky gate,
     * converge_block, migration_blocked): demotion is off either way.
     */
    private boolean stopped() {
        return chickenBit || capacity instanceof CapacityModel.V5Balloon v5 && v5.withdrawn();
    }

    // ---- the device's control attributes (R7.3): the operator's chicken bit ----

    static final String CHICKEN_BIT_ATTR = "chicken_bit";
    static final List<String> ATTRS = List.of(CHICKEN_BIT_ATTR, "cram", "hotplug", "balloon_inflate", "balloon_deflate");

    @Override
    public Verdict deviceControl(ControlRequest r) {
        Verdict v = switch (r.attr()) {
            case CHICKEN_BIT_ATTR -> chickenBit(r);
            case "cram" -> cramKnob(r.value().strip());
            case "hotplug" -> hotplug(r.value().strip());
            case "balloon_inflate", "balloon_deflate" -> balloonCommand(r.attr().equals("balloon_inflate"), r.value().strip());
            default -> Verdict.deny(Errno.EINVAL, "compressed-ram: no such attribute '" + r.attr() + "'; expected one of "
                    + ATTRS);
        };
        if (!v.allowed()) {
            stats.controlRejected++;
        }
        report();
        return v;
    }

    /** The debugfs {@code cram} knob: 0 or 1, accepted only while the node is unplugged (EBUSY online). */
    private Verdict cramKnob(String v) {
        if (!v.equals("0") && !v.equals("1")) {
            return Verdict.deny(Errno.EINVAL, "compressed-ram: cram: expected 0 or 1, got '" + v + "'");
        }
        if (state.online()) {
            return Verdict.deny(Errno.EBUSY, "compressed-ram: cram is fixed while the node is online (unplug first)");
        }
        cramKnob = v.equals("1");
        return Verdict.ALLOW;
    }

    /**
     * The device's hotplug, as anondax's: online registers the node (the {@code cram} knob's opt-ins)
     * and then holds back the pages beyond advertised and fills the balloon; unplug gives the
     * balloon and the held-back pages back first (the node must be empty to go), and takes them
     * again when memory hotplug refuses (EBUSY: pages of the node are still in use).
     */
    private Verdict hotplug(String value) {
        HotplugState target = HotplugState.parse(value);
        if (target == null) {
            return Verdict.deny(Errno.EINVAL, "compressed-ram: hotplug: expected unplugged, online_movable or online_kernel");
        }
        if (target == state) {
            return Verdict.ALLOW;
        }
        if (target.online() && state.online()) {
            return Verdict.deny(Errno.EBUSY, "compressed-ram: " + state.sysfsName() + " -> " + target.sysfsName()
                    + ": a zone change needs an unplug first");
        }
        if (!target.online()) {
            releaseNodeHoldings();
        }
        int rc = ctx.hotplug(target, optIns());
        if (rc < 0) {
            if (!target.online()) {
                retakeNodeHoldings();
            }
            return Verdict.deny(Errno.fromCode(-rc), "compressed-ram: " + state.sysfsName() + " -> " + target.sysfsName()
                    + " refused by memory hotplug");
        }
        state = target;
        if (target.online()) {
            stats.onlines++;
            retakeNodeHoldings();
        } else {
            stats.unplugs++;
        }
        return Verdict.ALLOW;
    }

    private void releaseNodeHoldings() {
        while (!balloon.isEmpty()) {
            ctx.freeOwn(balloon.pop());
        }
        for (long pfn : heldBack) {
            ctx.freeOwn(pfn);
        }
        heldBack.clear();
    }

    private void retakeNodeHoldings() {
        holdBackUnadvertised(nodePages - config.advertisedPages());
        reconcileBalloon(false);
    }

    /**
     * debugfs balloon inflate / deflate: {@code value} pages (deflate also {@code all}) added to
     * or taken from the operator's part of the balloon, on top of the ratio's target. An inflate
     * reserves only what the node gives politely (never spilling onto another node); the part
     * recorded is what the balloon holds beyond the ratio's target afterwards. v5 only (v4 has
     * no balloon: EINVAL); an unplugged node has no memory to reserve (ENODEV).
     */
    private Verdict balloonCommand(boolean inflate, String value) {
        if (!(capacity instanceof CapacityModel.V5Balloon v5)) {
            return Verdict.deny(Errno.EINVAL, "compressed-ram: the v4 model has no balloon (model: v5)");
        }
        if (!state.online()) {
            return Verdict.deny(Errno.ENODEV, "compressed-ram: balloon: the node is unplugged");
        }
        long pages;
        if (!inflate && value.equals("all")) {
            pages = manualBalloon;
        } else {
            try {
                pages = Long.parseLong(value);
            } catch (NumberFormatException e) {
                pages = -1;
            }
            if (pages < 0) {
                return Verdict.deny(Errno.EINVAL, "compressed-ram: balloon: expected a page count"
                        + (inflate ? "" : " or all") + ", got '" + value + "'");
            }
        }
        long ratioTarget = v5.balloonTarget(device);
        manualBalloon = inflate ? Math.min(nodePages, manualBalloon + pages) : Math.max(0, manualBalloon - pages);
        moveBalloon(ratioTarget + manualBalloon);
        manualBalloon = Math.max(0, Math.min(manualBalloon, balloon.size() - ratioTarget));
        stats.balloonCommands++;
        return Verdict.ALLOW;
    }

    private Verdict chickenBit(ControlRequest r) {
        String v = r.value().strip();
        if (!v.equals("0") && !v.equals("1")) {
            return Verdict.deny(Errno.EINVAL, "compressed-ram: chicken_bit: expected 0 or 1, got '" + r.value() + "'");
        }
        boolean on = v.equals("1");
        if (on != chickenBit) {
            chickenBit = on;
            stats.chickenFlips++;
        }
        return Verdict.ALLOW;
    }

    // ---- writes: never in place ----

    /** v4 handle_fault: promote (MR_NUMA_MISPLACED to the faulting task's node), the engine retries the write. */
    @Override
    public FaultAction handleFault(FaultRequest r) {
        // counted in folioMigrate: a promotion whose migration fails (the fault's -ENOMEM) is none
        promoting = r.folio().pfn();
        return FaultAction.PROMOTE;
    }

    // ---- frees: scrub before reuse ----

    @Override
    public FreeAction freeFolio(FreeEvent e) {
        FolioRef f = e.folio();
        reads.remove(f.pfn());
        if (config.deferredScrub() && flushBuffer.size() < config.flushBufSize()) {
            flushBuffer.add(new Deferred(f.pfn(), f.nrPages())); // 1 = deferred: the driver holds the folio until the flush
            stats.deferredScrubs++;
            // the flush kthread's next wakeup: at most one pending, as its interval timer
            ctx.scheduleDelayedWork(FLUSH_WORK, config.flushIntervalMs());
            report();
            return FreeAction.KEEP;
        }
        scrub(f.pfn(), f.nrPages()); // 0 = resolved, or 2 = buffer full: zeroed locally
        report();
        return FreeAction.RETURN_TO_BUDDY;
    }

    private void scrub(long pfn, long pages) {
        device.release(pfn, pages);
        stats.scrubs++;
    }

    /** The flush kthread's work: sanitize every buffered folio, then give it back. */
    private void flush() {
        for (Deferred f : flushBuffer) {
            scrub(f.pfn(), f.nrPages());
            stats.flushes++;
            ctx.releaseKept(f.pfn());
        }
        flushBuffer.clear();
    }

    // ---- the device's timers (CONTRACT R1.10): the flush interval and the hotness decay ----

    static final String FLUSH_WORK = "flush";
    static final String DECAY_WORK = "hot_decay";
    static final String CONVERGE_WORK = "converge";
    /** The convergence worker's next round after one that fell short (its cond_resched loop, on the clock). */
    static final long CONVERGE_RETRY_MS = 10;
    /** Rounds that reserve nothing before the worker gives up (mmproto's model, not a branch constant). */
    static final int CONVERGE_STALL = 3;

    @Override
    public void delayedWork(DelayedWork w) {
        if (w.name().equals(FLUSH_WORK)) {
            flush(); // cxl_compression's flush kthread: every flush_interval_ms while folios wait
        } else if (w.name().equals(DECAY_WORK)) {
            decay();
        } else if (w.name().equals(CONVERGE_WORK)) {
            convergeRound();
        }
        report();
    }

    /** Every count halves once per hot_decay_ms: a folio read long ago stops counting toward hot. */
    private void decay() {
        stats.decays++;
        reads.replaceAll((pfn, n) -> n >> 1);
        reads.values().removeIf(n -> n == 0);
        if (!reads.isEmpty()) {
            ctx.scheduleDelayedWork(DECAY_WORK, config.hotDecayMs());
        }
    }

    @Override
    public ReclaimPolicy reclaimPolicy(int nid) {
        return new ReclaimPolicy(true, true, true, true); // reclaim from the node is writeback to swap
    }

    @Override
    public void memoryFailure(MemoryFailureEvent e) {
        stats.memoryFailures++;
        report();
    }

    // ---- the device sees every store (R4.16) ----

    @Override
    public void deviceStore(DeviceStore s) {
        boolean arrival = s.kind() == DeviceStore.Kind.MIGRATION_COPY || s.kind() == DeviceStore.Kind.SWAP_IN;
        device.store(s.pfn(), s.pages(), s.content(), arrival);
        if (config.chickenBitAt() > 0 && device.poisonPages() >= config.chickenBitAt()) {
            chickenBit = true; // LPC 2026: stop demoting before a poison storm cascades
        }
        if (s.kind() != DeviceStore.Kind.ZEROED) {
            reconcileBalloon(true); // outside the allocator (R4.16): the balloon may move pages now
        }
        report();
    }

    // ---- the device sees every load (R4.17): hot folios are nominated for promotion (R1.7) ----

    @Override
    public void deviceLoad(DeviceLoad l) {
        if (config.hotReads() == 0) {
            return;
        }
        long head = l.folio().pfn();
        if (reads.isEmpty() && config.hotDecayMs() > 0) {
            ctx.scheduleDelayedWork(DECAY_WORK, config.hotDecayMs()); // decays while anything is counted
        }
        int tracked = reads.size();
        long n = reads.merge(head, l.pages(), Long::sum);
        if (reads.size() != tracked) {
            ctx.reportStat("hot_folios_tracked", reads.size());
        }
        if (n >= config.hotReads()) {
            reads.remove(head); // counted again from zero: a refused promotion is nominated again later
            ctx.requestPromotion(head);
            stats.nominations++;
            report();
        }
    }

    // ---- capacity ----

    private int currentPressure() {
        return capacity instanceof CapacityModel.V4Pressure v4 ? v4.pressure(device) : 0;
    }

    /**
     * v5 cram_balloon_reconcile: the target follows the achieved ratio, and the balloon is moved
     * toward it at once (reserve and trim, or release). {@code fromStore}: the ratio moved under a
     * store; when it fell (the target grew: the device lost backing it had promised, the driver's
     * cram_set_compression_ratio) and the balloon is left short, converge_block
     * is set and the convergence worker queued, which alone clears it. At registration, and while
     * the target does not grow, the node is simply as converged as it can be: a shortfall alone
     * never blocks.
     */
    private void reconcileBalloon(boolean fromStore) {
        if (!(capacity instanceof CapacityModel.V5Balloon v5) || !state.online()) {
            return;
        }
        long target = v5.balloonTarget(device);
        boolean lostBacking = target > lastTarget;
        lastTarget = target;
        target += manualBalloon;
        moveBalloon(target);
        if (fromStore && lostBacking && balloon.size() < target && !v5.convergeBlock()) {
            v5.converging(true);
            convergeStalls = 0;
            ctx.scheduleDelayedWork(CONVERGE_WORK, CONVERGE_RETRY_MS);
        }
    }

    /**
     * One round of the convergence worker (mmproto's model of it): move the balloon toward the latest
     * target; converged, or CONVERGE_STALL rounds that reserved nothing (the node can free no
     * more), ends the worker and drops converge_block, and only that bit.
     */
    private void convergeRound() {
        CapacityModel.V5Balloon v5 = (CapacityModel.V5Balloon) capacity;
        if (!state.online()) {
            v5.converging(false); // unplugged meanwhile: no node left to converge
            return;
        }
        stats.convergeRounds++;
        long before = balloon.size();
        long target = v5.balloonTarget(device) + manualBalloon;
        moveBalloon(target);
        if (balloon.size() < target && (balloon.size() > before || ++convergeStalls < CONVERGE_STALL)) {
            if (balloon.size() > before) {
                convergeStalls = 0;
            }
            ctx.scheduleDelayedWork(CONVERGE_WORK, CONVERGE_RETRY_MS);
            return;
        }
        v5.converging(false);
    }

    /** Inflate (reserve, trimmed in batches of 512) or deflate the balloon toward {@code target}. */
    private void moveBalloon(long target) {
        List<Long> batch = new ArrayList<>();
        while (balloon.size() < target) {
            long pfn = ctx.allocOwn(0);
            if (pfn < 0) {
                break; // nothing free to reserve politely: the worker comes back round
            }
            balloon.push(pfn);
            batch.add(pfn);
            if (batch.size() == TrimDevice.BATCH) {
                trim(batch);
            }
        }
        if (!batch.isEmpty()) {
            trim(batch);
        }
        while (balloon.size() > target) {
            ctx.freeOwn(balloon.pop());
        }
    }

    private void trim(List<Long> batch) {
        TrimDevice.Outcome o = trim.trimBatch();
        stats.trimBatches++;
        stats.trimRetries += o.retries();
        if (!o.trimmed()) {
            stats.trimZeroed += batch.size(); // CRAM writes zeroes instead
        }
        for (long pfn : batch) {
            device.release(pfn, 1);
        }
        batch.clear();
    }

    /**
     * v5: publish the zone withdrawal (mmproto's model) when its reasons change: the sticky gate,
     * converge_block, migration_blocked, or the operator's chicken bit (cram_allow_allocation(0),
     * the emergency off switch). A design without callbacks (zonelist-private) reads it.
     */
    private void publishWithdrawal(CapacityModel.V5Balloon v5) {
        v5.observe(device);
        boolean w = v5.withdrawn() || chickenBit;
        if (w != withdrawn) {
            withdrawn = w;
            ctx.withdrawAllocation(w);
        }
    }

    private void report() {
        if (capacity instanceof CapacityModel.V5Balloon v5) {
            publishWithdrawal(v5);
        }
        int pressure = stopped() ? 1000 : currentPressure();
        ctx.reportPressure(pressure);
        ctx.reportCapacity(device.freeBytes() / ContentModel.PAGE);
        ctx.reportStat("advertised_pages", config.advertisedPages());
        ctx.reportStat("physical_pages", config.physicalPages());
        ctx.reportStat("physical_used_bytes", device.usedBytes());
        ctx.reportStat("stored_pages", device.logicalPages());
        ctx.reportStat("stores", device.stores());
        ctx.reportStat("poison_pages", device.poisonPages());
        ctx.reportStat("scrubs", stats.scrubs);
        ctx.reportStat("deferred_scrubs", stats.deferredScrubs);
        ctx.reportStat("demotions_accepted", stats.demotionsAccepted);
        ctx.reportStat("demotions_refused", stats.demotionsRefused);
        ctx.reportStat("arrivals_refused", stats.arrivalsRefused);
        ctx.reportStat("write_promotions", stats.writePromotions);
        ctx.reportStat("chicken_bit", chickenBit ? 1 : 0);
        ctx.reportStat("chicken_bit_flips", stats.chickenFlips);
        ctx.reportStat("cram", cramKnob ? 1 : 0);
        ctx.reportStat("hotplug_state", state.ordinal());
        ctx.reportStat("onlines", stats.onlines);
        ctx.reportStat("unplugs", stats.unplugs);
        ctx.reportStat("control_rejected", stats.controlRejected);
        ctx.reportStat("memory_failures", stats.memoryFailures);
        ctx.reportStat("nominations", stats.nominations);
        ctx.reportStat("flush_buffer_folios", flushBuffer.size());
        ctx.reportStat("flushed_folios", stats.flushes);
        ctx.reportStat("hot_decays", stats.decays);
        ctx.reportStat("hot_folios_tracked", reads.size());
        ctx.reportStat("unscrubbed_reuse_pages", device.staleArrivals());
        if (capacity instanceof CapacityModel.V5Balloon v5) {
            ctx.reportStat("perceived_pages", v5.perceivedPages(device));
            ctx.reportStat("balloon_pages", balloon.size());
            ctx.reportStat("balloon_target_pages", v5.balloonTarget(device));
            ctx.reportStat("balloon_manual_pages", manualBalloon);
            ctx.reportStat("balloon_commands", stats.balloonCommands);
            ctx.reportStat("admission_gate_closed", v5.gateClosed() ? 1 : 0);
            ctx.reportStat("converge_block", v5.convergeBlock() ? 1 : 0);
            ctx.reportStat("migration_blocked", v5.migrationBlocked() ? 1 : 0);
            ctx.reportStat("converge_rounds", stats.convergeRounds);
            ctx.reportStat("zone_withdrawn", withdrawn ? 1 : 0);
            ctx.reportStat("trim_batches", stats.trimBatches);
            ctx.reportStat("trim_retries", stats.trimRetries);
            ctx.reportStat("trim_zeroed_pages", stats.trimZeroed);
        }
    }
}
