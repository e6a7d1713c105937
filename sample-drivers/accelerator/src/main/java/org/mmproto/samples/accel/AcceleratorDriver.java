package org.mmproto.samples.accel;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mmproto.api.Errno;
import org.mmproto.api.ZoneType;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.DriverContext;
import org.mmproto.api.driver.FolioRef;
import org.mmproto.api.driver.NodeBinding;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Requests.TeardownEvent;
import org.mmproto.api.driver.Verdict;
import org.pf4j.Extension;

/**
 * Accelerator (GPU) memory exposed as a private node, after the out-of-tree driver of the thread
 * (RFC §10): user memory reaches it by mbind and migrates on and off (NP_OPS_MIGRATION |
 * NP_OPS_MEMPOLICY; NODE_PRIVATE_CAP_USER_NUMA under v5); it is ZONE_MOVABLE, so longterm pins
 * are refused. When a task's folio first migrates onto the device (migrate_to), the driver sets up
 * that task's device state: a device page-table block it allocates from its own node through the
 * context (allocOwn). It follows the task's pages on the device through folio_migrate and
 * free_folio, and learns that a VMA holding them went away from teardown (munmap, exit). The
 * device state is released as soon as the task has no page left there, however the last one went
 * (freed after a teardown or MADV_DONTNEED, or migrated back off): the engine sends teardown only
 * for VMAs that still have pages on the node (CONTRACT R4.11), so a task that moved its pages
 * off before it exits would never be told again. That is the thread's alternative to a free_folio
 * callback on every free path (Gregory, 15 Apr 2026: "the answer may actually just exist in the
 * task-death and VMA cleanup path").
 *
 * <p>Statistics (DriverContext.reportStat, CONTRACT R1.9), each reported at bind and after every change: {@code device_mappings}, the tasks with device state (must return
 * to 0); {@code device_pages}, pages of user memory the device maps; {@code contexts_created},
 * {@code contexts_released}.
 */
@Extension
public final class AcceleratorDriver implements PrivateNodeDriver {
    private AcceleratorConfig config;
    private DriverContext context;
    private final Map<String, Long> stats = new LinkedHashMap<>();
    private int nid;
    /** pid -> the task's device state. */
    private final Map<Integer, DeviceState> tasks = new HashMap<>();
    /** pfn of a folio on the device -> the pid whose memory it is. */
    private final Map<Long, Integer> owners = new HashMap<>();
    /**
     * Source pfn of a folio migrate_to accepted -> the task it comes for. migrate_pages() asks
     * migrate_to for every folio of a batch before it copies any (the unmap pass, then the move
     * pass), and a batch may hold several tasks' folios, so each copy's folio_migrate is matched
     * to its own acceptance by the source pfn, never to "the last task accepted".
     */
    private final Map<Long, Integer> arriving = new HashMap<>();

    /** A task's device state: the device page-table block and the pages it maps. */
    static final class DeviceState {
        final long contextPfn;
        long pages;

        DeviceState(long contextPfn) {
            this.contextPfn = contextPfn;
        }
    }

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
        config = AcceleratorConfig.parse(binding.nid(), binding.config());
        if (binding.zone() != ZoneType.MOVABLE) {
            throw new IllegalArgumentException("accelerator: node " + binding.nid() + " is onlined into ZONE_"
                    + binding.zone() + "; device memory is ZONE_MOVABLE so no longterm pin holds it"
                    + " (set `online: movable` on the node in the machine file)");
        }
        this.context = ctx;
        for (String s : new String[] {"device_mappings", "device_pages", "contexts_created", "contexts_released"}) {
            count(s, 0);
        }
        this.nid = binding.nid();
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY),
                EnumSet.of(NodeCap.NODE_PRIVATE_CAP_USER_NUMA));
    }

    /** Accepts, and sets up the task's device state the first time one of its folios comes. */
    @Override
    public MigrateTo migrateTo(MigrationRequest request) {
        int pid = request.task().pid();
        if (!tasks.containsKey(pid)) {
            long pfn = context.allocOwn(config.contextOrder());
            if (pfn < 0) {
                return MigrateTo.refuse(Errno.ENOSPC); // no room for the device page table: back-pressure
            }
            tasks.put(pid, new DeviceState(pfn));
            count("device_mappings", 1);
            count("contexts_created", 1);
        }
        arriving.put(request.folio().pfn(), pid);
        return MigrateTo.ACCEPT;
    }

    /**
     * Maps the copy on the device (dst here, for the task its migrate_to accepted it for), moves
     * a mapping within the device (src and dst here: compaction; the owner stays, nothing is
     * counted) or unmaps the folio that left (src here).
     */
    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        if (src.nid() == nid && dst.nid() == nid) {
            Integer pid = owners.remove(src.pfn());
            if (pid != null) {
                owners.put(dst.pfn(), pid);
            }
        } else if (dst.nid() == nid) {
            Integer pid = arriving.remove(src.pfn());
            if (pid != null && tasks.containsKey(pid)) {
                owners.put(dst.pfn(), pid);
                adjust(pid, dst.nrPages());
            }
        } else if (src.nid() == nid) {
            Integer pid = owners.remove(src.pfn());
            if (pid != null) {
                adjust(pid, -src.nrPages());
            }
        }
    }

    @Override
    public FreeAction freeFolio(FreeEvent event) {
        Integer pid = owners.remove(event.folio().pfn());
        if (pid != null) {
            adjust(pid, -event.folio().nrPages());
        }
        return FreeAction.RETURN_TO_BUDDY;
    }

    /**
     * A VMA with pages on the device went away (munmap, exit). The zap that follows frees the
     * pages (free_folio), and the last of them releases the device state; nothing is counted here,
     * so a page is never taken off twice. A task whose state maps no page (its migrate_to was
     * accepted but no copy followed) is released here.
     */
    @Override
    public void teardown(TeardownEvent event) {
        DeviceState s = tasks.get(event.task().pid());
        if (s != null && s.pages == 0) {
            release(event.task().pid(), s);
        }
    }

    /** Device memory is movable: no longterm pin (the design asks only with NP_OPS_LONGTERM_PIN). */
    @Override
    public Verdict longtermPin(PinRequest request) {
        return Verdict.deny(Errno.ENOMEM, "accelerator: device memory is ZONE_MOVABLE, not longterm-pinnable");
    }

    private void adjust(int pid, long pages) {
        DeviceState s = tasks.get(pid);
        if (s != null) {
            s.pages += pages;
            count("device_pages", pages);
            // no teardown comes for a task with no page left here (R4.11); but a folio of the task
            // accepted in the same migrate_pages() batch may still be on its way: keep the state
            if (s.pages == 0 && !arriving.containsValue(pid)) {
                release(pid, s);
            }
        }
    }

    private void release(int pid, DeviceState s) {
        owners.values().removeIf(p -> p == pid);
        arriving.values().removeIf(p -> p == pid); // accepted copies that never came (the copy failed)
        context.freeOwn(s.contextPfn);
        tasks.remove(pid);
        count("device_mappings", -1);
        count("contexts_released", 1);
    }

    /** Tasks with device state, for tests. */
    int liveContexts() {
        return tasks.size();
    }

    /** Adds {@code delta} to one of the device's statistics and reports the new value (R1.9). */
    private void count(String name, long delta) {
        long v = stats.merge(name, delta, Long::sum);
        context.reportStat(name, v);
    }

    /** The device's statistics, for tests. */
    Map<String, Long> stats() {
        return Map.copyOf(stats);
    }
}
