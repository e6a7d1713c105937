package org.mmproto.samples.virtio;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.mmproto.api.driver.Requests.AllocRequest;
import org.mmproto.api.driver.Requests.Backing;
import org.mmproto.api.driver.Requests.FreeEvent;
import org.mmproto.api.driver.Requests.MigrationRequest;
import org.mmproto.api.driver.Requests.PinRequest;
import org.mmproto.api.driver.Verdict;
import org.pf4j.Extension;

/**
 * A host network device that carries its own memory as a private node (the thread's
 * virtio-net hack, RFC §10): the VMM maps guest RAM as {@code memfd(MAP_PRIVATE)} on DRAM and
 * only the queue memory as {@code memfd(MAP_SHARED)} bound to this node with mbind, so the rest
 * of guest memory is private and KSM may merge it. The node is ZONE_NORMAL: vfio and io_uring
 * fixed buffers pin it longterm for zero copy (David, 17 Apr 2026). The device wants only that
 * shared memfd's page cache there: no kernel allocation (alloc_veto), no anonymous folio
 * migrated in (migrate_to), nothing migrated off (migration filter).
 *
 * <p>Statistics (DriverContext.reportStat, CONTRACT R1.9), each reported at bind and after every change: {@code ring_pages} (its own rings, allocOwn), {@code
 * kernel_refused} (kernel allocations alloc_veto refused), {@code anon_refused} (anonymous folios
 * migrate_to refused), {@code foreign_frees} (anonymous folios freed from the node: private memory
 * that reached the device node anyway, seen where the design tells free_folio).
 */
@Extension
public final class VirtioQueueDriver implements PrivateNodeDriver {
    private VirtioQueueConfig config;
    private DriverContext context;
    private final Map<String, Long> stats = new LinkedHashMap<>();
    private final List<Long> rings = new ArrayList<>();

    @Override
    public NodeOptIns bind(NodeBinding binding, DriverContext ctx) {
        config = VirtioQueueConfig.parse(binding.nid(), binding.config());
        if (binding.zone() != ZoneType.NORMAL) {
            throw new IllegalArgumentException("virtio-queue: node " + binding.nid() + " is onlined into ZONE_"
                    + binding.zone() + "; the queue memory must be ZONE_NORMAL so vfio/io_uring can pin it longterm"
                    + " (set `online: normal` on the node in the machine file)");
        }
        this.context = ctx;
        for (String s : new String[] {"ring_pages", "kernel_refused", "private_refused", "anon_refused", "foreign_frees"}) {
            count(s, 0);
        }
        for (int i = 0; i < config.ringPages(); i++) {
            long pfn = ctx.allocOwn(0);
            if (pfn < 0) {
                throw new IllegalArgumentException("virtio-queue: node " + binding.nid() + ": ring page " + i
                        + " of " + config.ringPages() + " could not be allocated (errno " + -pfn + ")");
            }
            rings.add(pfn);
            count("ring_pages", 1);
        }
        // v4: mbind needs MEMPOLICY, which requires MIGRATION (R5.3); v5: USER_NUMA and LTPIN
        return new NodeOptIns(EnumSet.of(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_LONGTERM_PIN),
                EnumSet.of(NodeCap.NODE_PRIVATE_CAP_USER_NUMA, NodeCap.NODE_PRIVATE_CAP_LTPIN));
    }

    /**
     * Only the shared memfd's page cache is placed on the queue node: kernel (non-folio)
     * allocations are refused, and so is a user fault's folio that is anything else (an anonymous
     * folio, or a memfd's page cache faulted through a MAP_PRIVATE mapping: guest RAM, not queue
     * memory). The answer is -ENOMEM, "free, but not for you" (R4.1): the allocation falls back
     * along its zonelist, or fails where its policy allows nothing else (a BIND to the queue node
     * alone). A folio whose backing the request does not name (a migration target: migrate_to
     * judges it; khugepaged) is allowed.
     */
    @Override
    public Verdict allocVeto(AllocRequest request) {
        if (config.refuseKernel() && !request.folio()) {
            count("kernel_refused", 1);
            return Verdict.deny(Errno.ENOMEM, "virtio-queue: no kernel allocations on the queue node");
        }
        if (config.refusePrivate() && request.folio() && (request.backing() == Backing.ANON
                || request.backing() == Backing.SHMEM_PRIVATE)) {
            count("private_refused", 1);
            return Verdict.deny(Errno.ENOMEM, "virtio-queue: only the shared memfd's page cache goes on the queue node ("
                    + request.backing() + " refused)");
        }
        return Verdict.ALLOW;
    }

    /** Only shared-memfd (page-cache) folios may move in; a private anonymous folio stays where it is. */
    @Override
    public MigrateTo migrateTo(MigrationRequest request) {
        if (request.folio().anon()) {
            count("anon_refused", 1);
            return MigrateTo.refuse(Errno.ENOSPC);
        }
        return MigrateTo.ACCEPT;
    }

    @Override
    public void folioMigrate(FolioRef src, FolioRef dst) {
        // the queue memory has no device-side translation to update: the device DMAs by pfn after the pin
    }

    /** Queue memory stays on the device node. */
    @Override
    public Verdict migrationFilter(MigrationRequest request) {
        return config.refuseMigrateOff() ? Verdict.deny(Errno.EBUSY, "virtio-queue: queue memory stays on the device")
                : Verdict.ALLOW;
    }

    /** vfio / io_uring fixed buffers: ZONE_NORMAL queue memory may be pinned in place. */
    @Override
    public Verdict longtermPin(PinRequest request) {
        return Verdict.ALLOW;
    }

    @Override
    public FreeAction freeFolio(FreeEvent event) {
        if (event.folio().anon()) {
            count("foreign_frees", 1);
        }
        return FreeAction.RETURN_TO_BUDDY;
    }

    /** The ring pages the device holds (allocOwn pfns), for tests. */
    List<Long> rings() {
        return List.copyOf(rings);
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
