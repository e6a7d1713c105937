package org.mmproto.core.fault;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.api.Gfp;
import org.mmproto.api.design.Design;
import org.mmproto.api.ZoneType;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.mm.DebugVm;
import org.mmproto.core.stats.VmStat;
import org.mmproto.core.trace.EventFilter;
import org.mmproto.core.trace.TraceEvent;
import org.mmproto.core.trace.Tracepoint;
import org.mmproto.core.trace.Tracer;
import org.slf4j.LoggerFactory;

/**
 * An injected page_alloc fault is should_fail_alloc_page() in prepare_alloc_pages(): the
 * allocation returns NULL before anything else, so no warn_alloc, no kmem:mm_page_alloc and no
 * pgalloc; and the attributes start from fail_page_alloc's defaults.
 */
class PageAllocFaultTest {
    private static Design opsStruct() {
        return BuiltInDesigns.all().stream().filter(d -> d.name().equals("ops-struct")).findFirst().orElseThrow();
    }

    private static Kernel kernel(Tracer tracer, String spec) {
        return Kernel.boot(MachineFiles.bundled("private-normal"), opsStruct(), List.of(), java.time.Duration.ZERO,
                c -> { }, tracer, FaultInjector.parse(List.of(spec), 7));
    }

    private static long pgalloc(Kernel k) {
        long n = 0;
        for (int t = 0; t < ZoneType.MAX_NR_ZONES; t++) {
            n += k.mem().vmstat(VmStat.pgalloc(t));
        }
        return n;
    }

    @Test
    void an_injected_fault_fails_before_the_warning_the_event_and_the_counters() {
        List<TraceEvent> events = new ArrayList<>();
        Tracer tracer = new Tracer(EventFilter.parse("kmem"), events::add);
        Kernel k = kernel(tracer, "page_alloc:probability=100,times=1,min_order=0,ignore_gfp_wait=N");
        Logger log = (Logger) LoggerFactory.getLogger("mm.page_alloc");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            long before = pgalloc(k);
            long failuresBefore = k.alloc().allocFailures();
            events.clear();
            int gfp = Gfp.parse("GFP_KERNEL").bits();
            assertThat(k.alloc().allocPages(gfp, 0, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
            assertThat(k.mem().faults().injectedCount()).isEqualTo(1);
            assertThat(seen.list).as("no page allocation failure warning").isEmpty();
            assertThat(events).as("no kmem:mm_page_alloc").noneMatch(e -> e.point() == Tracepoint.MM_PAGE_ALLOC);
            assertThat(pgalloc(k)).isEqualTo(before);
            assertThat(k.alloc().allocFailures()).as("not the allocator's failure").isEqualTo(failuresBefore);

            // times=1 used up: the next call is served, and traced
            assertThat(k.alloc().allocPages(gfp, 0, 0, null, 0)).isNotNegative();
            assertThat(events).filteredOn(e -> e.point() == Tracepoint.MM_PAGE_ALLOC).hasSize(1);
            assertThat(pgalloc(k)).isEqualTo(before + 1);
            assertThat(DebugVm.check(k.mem())).isEmpty();
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void the_defaults_are_fail_page_allocs() {
        FailAttr a = FailAttr.of(FailPoint.PAGE_ALLOC);
        assertThat(a.probability()).isZero();
        assertThat(a.interval()).isEqualTo(1);
        assertThat(a.times()).isEqualTo(1);
        assertThat(a.space()).isZero();
        assertThat(a.minOrder()).isEqualTo(1);
        assertThat(a.ignoreGfpWait()).isTrue();
        assertThat(a.ignoreGfpHighmem()).isTrue();
        assertThat(FailAttr.of(FailPoint.MIGRATE_TARGET).minOrder()).isZero();
        assertThat(FailAttr.parse("page_alloc:min-order=0,ignore-gfp-wait=N").ignoreGfpWait())
                .as("debugfs spellings").isFalse();

        // probability 0: nothing fails
        Kernel off = kernel(Tracer.OFF, "page_alloc");
        int nowait = Gfp.parse("GFP_NOWAIT").bits();
        assertThat(off.alloc().allocPages(nowait, 1, 0, null, 0)).isNotNegative();

        Kernel k = kernel(Tracer.OFF, "page_alloc:probability=100");
        assertThat(k.alloc().allocPages(Gfp.parse("GFP_KERNEL").bits(), 1, 0, null, 0))
                .as("ignore-gfp-wait: a sleeping allocation").isNotNegative();
        assertThat(k.alloc().allocPages(Gfp.parse("GFP_NOWAIT|__GFP_HIGHMEM").bits(), 1, 0, null, 0))
                .as("ignore-gfp-highmem").isNotNegative();
        assertThat(k.alloc().allocPages(nowait, 0, 0, null, 0)).as("min-order 1").isNotNegative();
        assertThat(k.alloc().allocPages(nowait, 1, 0, null, 0)).isEqualTo(-Errno.ENOMEM.code());
        assertThat(k.alloc().allocPages(nowait, 1, 0, null, 0)).as("times 1").isNotNegative();
        assertThat(k.mem().faults().injectedCount()).isEqualTo(1);
    }
}
