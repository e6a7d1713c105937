package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.api.MigrateReason;
import org.mmproto.core.fault.FaultInjector;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.migrate.Migration;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.TransparentHugepage;
import org.mmproto.core.testkit.TestMachines;
import org.mmproto.core.trace.EventFilter;
import org.mmproto.core.trace.TraceEvent;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;

/**
 * device_load is traced and attributed to the driver's plugin id as device_store is, and a
 * private:hook's or private:decision's driver= value is one token (a run names a plugin's driver
 * "id (jar)").
 */
class DeviceMemoryTraceTest {
    private static final int P = PrivateWorld.P;

    @Test
    void device_load_and_device_store_are_traced_under_the_plugin_id() {
        List<TraceEvent> events = new ArrayList<>();
        Tracer tracer = new Tracer(EventFilter.parse("private"), events::add);
        DeviceLoadTest.Watcher w = new DeviceLoadTest.Watcher();
        Kernel k = Kernel.boot(TestMachines.dramDramCxl(64 * MiB, 64 * MiB, true), new OpsStruct(),
                List.of(new DriverSpec("watcher (watcher-0.1.0.jar)", () -> w, P, Map.of(), "test", 1)),
                Duration.ZERO, c -> { }, tracer, FaultInjector.OFF);
        k.setThp(TransparentHugepage.Mode.NEVER);
        Task t = k.spawn("t", 0, 0, 1000, Set.of());
        long a = pageOnPrivateNode(k, t);
        List<TraceEvent> placing = new ArrayList<>(events);
        events.clear();

        assertThat(k.mmOps().touch(t, a, 4096, false)).isZero();
        assertThat(k.mmOps().touch(t, a, 4096, true)).isZero();

        List<TraceEvent> hooks = events.stream().filter(e -> e.point() == Tracepoint.PRIVATE_HOOK).toList();
        assertThat(hooks).extracting(e -> e.fields().get("hook")).containsSubsequence("device_load", "device_store");
        assertThat(hooks).filteredOn(e -> e.fields().get("hook").equals("device_load")).singleElement()
                .satisfies(e -> {
                    assertThat(e.fields().get("driver")).isEqualTo("watcher");
                    assertThat(e.nid()).isEqualTo(P);
                    assertThat(e.body()).contains("nid=2 driver=watcher hook=device_load site=device_memory");
                });
        assertThat(events).as("every driver= one token").allSatisfy(e -> {
            Object d = e.fields().get("driver");
            assertThat(String.valueOf(d)).doesNotContainAnyWhitespaces();
        });
        assertThat(placing).filteredOn(e -> e.point() == Tracepoint.PRIVATE_DECISION).isNotEmpty()
                .anySatisfy(e -> assertThat(e.fields().get("driver")).isEqualTo("watcher"))
                .allSatisfy(e -> assertThat(String.valueOf(e.fields().get("driver"))).doesNotContainAnyWhitespaces());
    }

    @Test
    void a_driver_name_is_its_plugin_id() {
        assertThat(TraceEvent.driverId("cxl-mempolicy (cxl-mempolicy-0.1.0-SNAPSHOT.jar)")).isEqualTo("cxl-mempolicy");
        assertThat(TraceEvent.driverId("flaky")).isEqualTo("flaky");
        assertThat(TraceEvent.driverId("two words")).isEqualTo("two_words");
        assertThat(TraceEvent.driverId("-")).isEqualTo("-");
    }

    /** A user page faulted on node 0, then migrated onto the private node (as PrivateWorld does). */
    private static long pageOnPrivateNode(Kernel k, Task task) {
        long addr = k.mmOps().mmap(task, 0, 4096, MmOps.PROT_READ | MmOps.PROT_WRITE,
                MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS, null, 0, "p");
        k.mmOps().touch(task, addr, 4096, true);
        long src = k.mmOps().folioAt(task, addr);
        Migration.Result r = k.migration().migrate(List.of(src), P, (s, order) -> {
            Gfp gfp = Gfp.GFP_HIGHUSER_MOVABLE.or(Gfp.__GFP_THISNODE);
            var ctx = k.dispatcher().userAllocation(new org.mmproto.api.design.UserAllocation(P, gfp, order,
                    org.mmproto.api.driver.Site.MIGRATE_TARGET, MigrateReason.MR_SYSCALL, null, false, false, 0,
                    task.ref()));
            k.alloc().prepare(ctx.zonelist(), true, 1L << P, MigrateReason.MR_SYSCALL);
            return k.alloc().allocPages(ctx.gfp().bits(), order, P, null, 0);
        }, Migration.Mode.MIGRATE_SYNC, MigrateReason.MR_SYSCALL);
        assertThat(r.nrSucceeded()).isEqualTo(1);
        return addr;
    }
}
