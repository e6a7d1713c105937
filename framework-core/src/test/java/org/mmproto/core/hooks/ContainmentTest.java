package org.mmproto.core.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.FreePath;
import org.mmproto.api.Gfp;
import org.mmproto.api.driver.Decisions.FreeAction;
import org.mmproto.api.driver.Decisions.MigrateTo;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.NodeOptIns;
import org.mmproto.api.driver.NpOps;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Site;
import org.mmproto.core.config.ConfigException;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.testkit.TestMachines;

/** A misbehaving driver is contained, counted, and never corrupts the engine's accounting. */
class ContainmentTest {

    @Test
    void a_throwing_free_folio_leaves_the_event_undelivered_and_the_folio_freed() {
        RecordingDriver drv = new RecordingDriver(Set.of(NpOps.NP_OPS_MIGRATION)) {
            @Override
            public FreeAction freeFolio(Requests.FreeEvent event) {
                throw new IllegalStateException("device on fire");
            }
        };
        PrivateWorld w = new PrivateWorld(drv);
        long a = w.userPageOnPrivateNode();
        long used = w.userFolioPages();
        w.k.mmOps().munmap(w.task, a, 4096);
        assertThat(w.userFolioPages()).isEqualTo(used - 1);
        assertThat(w.k.dispatcher().stats().hooksAt(Site.FREE).get(Hook.FREE_FOLIO).contained()).isEqualTo(1);
        assertThat(w.k.dispatcher().containment().incidents()).singleElement()
                .satisfies(i -> {
                    assertThat(i.pluginId()).isEqualTo("test-driver");
                    assertThat(i.kind()).isEqualTo("threw");
                    assertThat(i.detail()).contains("device on fire");
                });
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void a_slow_migrate_to_overruns_its_budget_and_the_migration_is_refused() {
        RecordingDriver drv = new RecordingDriver(Set.of(NpOps.NP_OPS_MIGRATION)) {
            @Override
            public MigrateTo migrateTo(Requests.MigrationRequest request) {
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return MigrateTo.ACCEPT;
            }
        };
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ofMillis(50));
        long before = w.userFolioPages();
        assertThatThrownBy(w::userPageOnPrivateNode).hasMessageContaining("-" + Errno.ENOMEM.code());
        assertThat(w.k.dispatcher().containment().incidents()).extracting(Containment.Incident::kind).containsExactly("timeout");
        assertThat(w.userFolioPages()).as("the page stayed on DRAM, nothing leaked").isEqualTo(before + 1);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();
    }

    @Test
    void a_null_answer_is_contained_as_a_refusal() {
        RecordingDriver drv = new RecordingDriver(Set.of(NpOps.NP_OPS_MIGRATION)) {
            @Override
            public MigrateTo migrateTo(Requests.MigrationRequest request) {
                return null;
            }
        };
        PrivateWorld w = new PrivateWorld(drv);
        assertThatThrownBy(w::userPageOnPrivateNode).hasMessageContaining("-" + Errno.ENOMEM.code());
        assertThat(w.k.dispatcher().containment().incidents()).extracting(Containment.Incident::kind).containsExactly("null");
    }

    @Test
    void a_private_node_without_a_driver_is_closed() {
        PrivateWorld w = new PrivateWorld(null);
        assertThat(w.k.dispatcher().policyTarget(PrivateWorld.P, Site.MBIND).allowed()).isFalse();
        assertThat(w.k.dispatcher().policyTarget(PrivateWorld.P, Site.MIGRATE_NODE).allowed()).isFalse();
        long k = w.k.alloc().allocPages(Gfp.GFP_PRIVATE.bits(), 0, PrivateWorld.P, null, 0);
        w.k.alloc().freePages(k, 0);
        assertThat(w.k.folioRelease().freesByPath(FreePath.FREE_PAGES)).isEqualTo(1);
    }

    @Test
    void inconsistent_opt_ins_are_refused_at_registration_naming_the_plugin() {
        RecordingDriver memNoMig = RecordingDriver.with(NpOps.NP_OPS_MEMPOLICY);
        assertThatThrownBy(() -> new PrivateWorld(memNoMig)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("test-driver").hasMessageContaining("NP_OPS_MEMPOLICY requires NP_OPS_MIGRATION");
        PrivateNodeDriver noCallbacks = (binding, ctx) -> new NodeOptIns(Set.of(NpOps.NP_OPS_MIGRATION));
        assertThatThrownBy(() -> new PrivateWorld(noCallbacks)).hasMessageContaining("migrate_to and folio_migrate");
        RecordingDriver both = RecordingDriver.with(NpOps.NP_OPS_MIGRATION, NpOps.NP_OPS_MEMPOLICY, NpOps.NP_OPS_PROTECT_WRITE);
        assertThatThrownBy(() -> new PrivateWorld(both)).hasMessageContaining("incompatible with NP_OPS_PROTECT_WRITE");
    }

    @Test
    void binding_a_node_the_machine_lacks_or_an_ordinary_node_is_a_clear_error() {
        var spec = TestMachines.dramDramCxl(64L << 20, 64L << 20, true);
        RecordingDriver d = RecordingDriver.with();
        assertThatThrownBy(() -> Kernel.boot(spec, new OpsStruct(),
                List.of(new DriverSpec("x", () -> d, 7, Map.of(), "s.yaml", 12)), Duration.ZERO))
                .hasMessageContaining("s.yaml:12").hasMessageContaining("binds node 7");
        assertThatThrownBy(() -> Kernel.boot(spec, new OpsStruct(),
                List.of(new DriverSpec("x", () -> d, 0, Map.of(), "s.yaml", 3)), Duration.ZERO))
                .hasMessageContaining("not a private node");
        assertThatThrownBy(() -> Kernel.boot(spec, new OpsStruct(),
                List.of(new DriverSpec("x", () -> RecordingDriver.with().onlined(org.mmproto.api.ZoneType.MOVABLE), 2,
                        Map.of(), "s.yaml", 3)), Duration.ZERO))
                .isInstanceOf(ConfigException.class).hasMessageContaining("s.yaml:3")
                .hasMessageContaining("failed to bind node 2 (ZONE_NORMAL)").hasMessageContaining("needs ZONE_MOVABLE");
    }

    @Test
    void implemented_hooks_are_the_overridden_callbacks() {
        assertThat(HookMethods.methodName(Hook.MIGRATE_TO)).isEqualTo("migrateTo");
        assertThat(HookMethods.methodName(Hook.ALLOC_VETO)).isEqualTo("allocVeto");
        // the recording driver overrides every callback
        // every design hook; device_store and device_load (R4.16, R4.17) are observations RecordingDriver does not make
        assertThat(HookMethods.implemented(RecordingDriver.class)).containsExactlyInAnyOrderElementsOf(
                java.util.EnumSet.complementOf(java.util.EnumSet.of(Hook.DEVICE_STORE, Hook.DEVICE_LOAD, Hook.DEVICE_MMAP,
                        Hook.DEVICE_CONTROL, Hook.DELAYED_WORK))); // nor the device file's hooks (R7), nor delayed work (R1.10)
        PrivateNodeDriver twoHooks = new PrivateNodeDriver() {
            @Override
            public NodeOptIns bind(org.mmproto.api.driver.NodeBinding binding, org.mmproto.api.driver.DriverContext ctx) {
                return new NodeOptIns(Set.of());
            }

            @Override
            public org.mmproto.api.driver.Decisions.MigrateTo migrateTo(org.mmproto.api.driver.Requests.MigrationRequest r) {
                return org.mmproto.api.driver.Decisions.MigrateTo.ACCEPT;
            }

            @Override
            public void teardown(org.mmproto.api.driver.Requests.TeardownEvent e) {
            }
        };
        assertThat(HookMethods.implemented(twoHooks.getClass())).containsExactlyInAnyOrder(Hook.MIGRATE_TO, Hook.TEARDOWN);
        PrivateNodeDriver bare = (binding, ctx) -> new NodeOptIns(Set.of());
        assertThat(HookMethods.implemented(bare.getClass())).isEmpty();
        PrivateWorld w = new PrivateWorld(RecordingDriver.with(NpOps.NP_OPS_MIGRATION));
        assertThat(w.k.driverContext(PrivateWorld.P)).isPresent();
    }

    /** Tracks how many callbacks of the driver run at once and on which threads. */
    static class ThreadWatchingDriver extends RecordingDriver {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger maxActive = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch hungCallDone = new CountDownLatch(1);
        volatile boolean hangInFree;
        volatile String contextAfterQuarantine = "not tried";

        ThreadWatchingDriver() {
            super(Set.of(NpOps.NP_OPS_MIGRATION));
        }

        private void enter() {
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public MigrateTo migrateTo(Requests.MigrationRequest request) {
            enter();
            try {
                return super.migrateTo(request);
            } finally {
                active.decrementAndGet();
            }
        }

        @Override
        public FreeAction freeFolio(Requests.FreeEvent event) {
            enter();
            try {
                if (hangInFree) {
                    hangInFree = false;
                    awaitUninterruptibly(release);
                    try {
                        context.freePages();
                        contextAfterQuarantine = "allowed";
                    } catch (IllegalStateException e) {
                        contextAfterQuarantine = e.getMessage();
                    }
                    hungCallDone.countDown();
                }
                return super.freeFolio(event);
            } finally {
                active.decrementAndGet();
            }
        }

        @Override
        public void teardown(Requests.TeardownEvent event) {
            enter();
            try {
                super.teardown(event);
            } finally {
                active.decrementAndGet();
            }
        }

        private static void awaitUninterruptibly(CountDownLatch latch) {
            while (true) {
                try {
                    latch.await();
                    return;
                } catch (InterruptedException ignored) {
                    // a hung driver ignores the engine's interrupt: the case quarantine exists for
                }
            }
        }
    }

    @Test
    void calls_of_one_driver_run_one_at_a_time_on_its_own_thread() {
        ThreadWatchingDriver drv = new ThreadWatchingDriver();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            long a = w.userPageOnPrivateNode();
            w.k.mmOps().munmap(w.task, a, 4096);
        }
        assertThat(drv.count("migrate_to")).isEqualTo(3);
        assertThat(drv.count("free_folio")).isEqualTo(3);
        assertThat(drv.maxActive.get()).isEqualTo(1);
        assertThat(drv.threads).containsExactly("driver-test-driver@2");
        assertThat(w.k.dispatcher().containment().incidents()).isEmpty();
    }

    @Test
    void after_a_timeout_the_driver_is_quarantined_and_no_further_call_reaches_it() throws InterruptedException {
        ThreadWatchingDriver drv = new ThreadWatchingDriver();
        PrivateWorld w = new PrivateWorld(drv, new OpsStruct(), Duration.ofMillis(300));
        long a = w.userPageOnPrivateNode();
        long b = w.userPageOnPrivateNode();
        drv.hangInFree = true;
        long used = w.userFolioPages();
        w.k.mmOps().munmap(w.task, a, 4096);
        int callsAtTimeout = drv.calls.size();
        assertThat(w.k.dispatcher().containment().quarantined("test-driver", PrivateWorld.P)).isTrue();

        w.k.mmOps().munmap(w.task, b, 4096);
        assertThat(w.userFolioPages()).as("both folios freed with the default answer").isEqualTo(used - 2);
        assertThatThrownBy(w::userPageOnPrivateNode).hasMessageContaining("-" + Errno.ENOMEM.code());

        assertThat(drv.calls).as("nothing reached the driver after the overrun").hasSize(callsAtTimeout);
        assertThat(drv.maxActive.get()).as("never two callbacks at once").isEqualTo(1);
        assertThat(w.k.dispatcher().containment().incidents()).extracting(Containment.Incident::kind)
                .containsExactly("timeout", "quarantined");
        assertThat(w.k.dispatcher().stats().hooksAt(Site.FREE).get(Hook.FREE_FOLIO).contained()).isEqualTo(2);
        assertThat(w.k.dispatcher().stats().hooksAt(Site.MIGRATE_TARGET).get(Hook.MIGRATE_TO).contained()).isEqualTo(1);
        assertThat(DebugVm.check(w.k.mem())).isEmpty();

        drv.release.countDown();
        assertThat(drv.hungCallDone.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(drv.contextAfterQuarantine).as("the abandoned thread cannot touch the engine").contains("quarantined");
        assertThat(drv.maxActive.get()).isEqualTo(1);
    }
}
