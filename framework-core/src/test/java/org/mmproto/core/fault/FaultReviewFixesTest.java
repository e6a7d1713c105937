package org.mmproto.core.fault;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.NpOps;
import org.mmproto.core.hooks.RecordingDriver;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.mm.Zone;
import org.mmproto.core.scenario.RunSetup;
import org.mmproto.core.scenario.Scenario;
import org.mmproto.core.scenario.ScenarioFiles;
import org.mmproto.core.scenario.ScenarioParser;
import org.mmproto.core.scenario.ScenarioRunner;
import org.mmproto.core.trace.EventFilter;
import org.mmproto.core.trace.FtraceText;
import org.mmproto.core.trace.Log;
import org.mmproto.core.trace.Tracer;
import org.slf4j.LoggerFactory;

/** The review of the fault injector and its tracer seams: each test fails without its fix. */
class FaultReviewFixesTest {
    private static Design opsStruct() {
        return BuiltInDesigns.all().stream().filter(d -> d.name().equals("ops-struct")).findFirst().orElseThrow();
    }

    private static Kernel kernel(String spec) {
        return Kernel.boot(MachineFiles.bundled("private-normal"), opsStruct(), List.of(), java.time.Duration.ZERO,
                c -> { }, Tracer.OFF, FaultInjector.parse(List.of(spec), 7));
    }

    private static Scenario reclaimSwap() throws Exception {
        Path file = ScenarioFiles.resolve("reclaim-swap");
        String yaml = Files.readString(file).replace("drivers:\n  - {plugin: cxl-mempolicy, node: 2}\n", "")
                .replace("machine: private-normal", "machine: private-normal\ndesign: unpatched");
        return ScenarioParser.parse(yaml, "reclaim-swap.yaml", file.getParent());
    }

    @Test
    void the_task_filter_sees_kswapd_with_tracing_off() throws Exception {
        FaultInjector byName = FaultInjector.parse(List.of("swap_write:probability=100,times=-1,task=kswapd0"), 1);
        new ScenarioRunner(reclaimSwap(), RunSetup.builtIn()).instrument(Tracer.OFF, byName).run();
        assertThat(byName.injectedCount()).as("kswapd0's swap writes failed").isPositive();
        assertThat(byName.injected()).allSatisfy(x -> assertThat(x.pid()).isEqualTo(50));

        FaultInjector byPid = FaultInjector.parse(List.of("swap_write:probability=100,times=-1,pid=50"), 1);
        new ScenarioRunner(reclaimSwap(), RunSetup.builtIn()).instrument(Tracer.OFF, byPid).run();
        assertThat(byPid.injectedCount()).isEqualTo(byName.injectedCount());
    }

    @Test
    void records_are_bounded_and_the_rest_counted_per_point() {
        Kernel k = kernel("page_alloc:probability=100,times=-1,min_order=0,ignore_gfp_wait=N");
        int gfp = Gfp.parse("GFP_KERNEL").bits();
        int n = FaultInjector.RECORDS + 5;
        for (int i = 0; i < n; i++) {
            assertThat(k.alloc().allocPages(gfp, 0, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
        }
        FaultInjector f = k.mem().faults();
        assertThat(f.injectedCount()).isEqualTo(n);
        assertThat(f.injected()).hasSize(FaultInjector.RECORDS);
        assertThat(f.notRecorded()).containsExactly(Map.entry(FailPoint.PAGE_ALLOC, 5L));
        assertThat(DebugVm.check(k.mem())).isEmpty();
    }

    @Test
    void the_order_check_comes_before_the_fault() {
        Kernel k = kernel("page_alloc:probability=100,times=1,min_order=0,ignore_gfp_wait=N");
        int gfp = Gfp.parse("GFP_KERNEL").bits();
        assertThat(k.alloc().allocPages(gfp, Zone.MAX_PAGE_ORDER + 1, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(k.mem().faults().injectedCount()).as("WARN_ON_ONCE_GFP returned first").isZero();
        assertThat(k.alloc().allocPages(gfp, 0, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(k.mem().faults().injectedCount()).isEqualTo(1);
    }

    @Test
    void a_nowarn_fault_is_counted_not_logged() {
        Kernel k = kernel("page_alloc:probability=100,times=2,min_order=0,ignore_gfp_wait=N");
        Logger log = (Logger) LoggerFactory.getLogger(Log.FAULT_INJECT.logger().getName());
        Level was = log.getLevel();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        log.setLevel(Level.INFO);
        try {
            assertThat(k.alloc().allocPages(Gfp.parse("GFP_KERNEL|__GFP_NOWARN").bits(), 0, 0, null, 0))
                    .isEqualTo(-Errno.ENOMEM.code());
            assertThat(k.mem().faults().injectedCount()).isEqualTo(1);
            assertThat(seen.list).as("FAULT_NOWARN: no fail_dump").isEmpty();
            assertThat(k.alloc().allocPages(Gfp.parse("GFP_KERNEL").bits(), 0, 0, null, 0))
                    .isEqualTo(-Errno.ENOMEM.code());
            assertThat(seen.list).hasSize(1);
        } finally {
            log.detachAppender(seen);
            log.setLevel(was);
        }
    }

    @Test
    void kswapd_wakes_kcompactd_as_itself() {
        StringWriter text = new StringWriter();
        Tracer tracer = new Tracer(EventFilter.parse("compaction:mm_compaction_wakeup_kcompactd"), new FtraceText(text));
        long mib = 1L << 20;
        Kernel k = Kernel.boot(org.mmproto.core.testkit.TestMachines.dramDramCxl(64 * mib, 64 * mib, false),
                new org.mmproto.core.hooks.designs.Unpatched(), List.of(), java.time.Duration.ZERO, c -> { }, tracer,
                FaultInjector.OFF);
        k.setThp(org.mmproto.core.task.TransparentHugepage.Mode.NEVER);
        var ops = k.mmOps();
        var a = k.spawn("a", 0, 0, 1000, java.util.Set.of());
        long bytes = 62 * mib;
        long buf = ops.mmap(a, 0, bytes, org.mmproto.core.task.MmOps.PROT_READ | org.mmproto.core.task.MmOps.PROT_WRITE,
                org.mmproto.core.task.MmOps.MAP_PRIVATE | org.mmproto.core.task.MmOps.MAP_ANONYMOUS, null, 0, "buf");
        assertThat(ops.touch(a, buf, bytes, true)).isZero();
        for (long p = buf; p < buf + bytes; p += 2 * 4096) {
            assertThat(ops.munmap(a, p + 4096, 4096)).isZero();
        }
        k.alloc().drainAllPages();
        k.reclaim().wakeKswapd(0, 9, 3, Gfp.parse("GFP_KERNEL").bits());
        for (int i = 0; i < 40 && k.reclaim().kswapdWoken(0); i++) { // until kswapd_try_to_sleep
            k.reclaim().tick(100);
        }
        assertThat(k.reclaim().kswapdWakeups(0)).as("kswapd0 was woken").isPositive();
        List<FtraceText.Line> wakes = text.toString().lines().map(FtraceText::parse).filter(l -> l != null)
                .filter(l -> l.event().equals("mm_compaction_wakeup_kcompactd")).toList();
        assertThat(wakes).isNotEmpty().allSatisfy(l -> {
            assertThat(l.comm()).isEqualTo("kswapd0");
            assertThat(l.pid()).isEqualTo(50);
        });
    }
}
