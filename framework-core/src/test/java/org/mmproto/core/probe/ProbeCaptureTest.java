package org.mmproto.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Gfp;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.trace.EventFilter;
import org.mmproto.core.trace.FtraceText;
import org.mmproto.core.trace.Tracer;

/** {@code --probe NAME:args,ret}: the trace holds each call's real arguments and return value. */
class ProbeCaptureTest {
    @Test
    void args_and_return_values_in_the_trace_are_the_real_ones() {
        Kernel k = Kernel.boot(MachineFiles.bundled("single"), BuiltInDesigns.all().get(0));
        int gfp = Gfp.parse("GFP_KERNEL").bits();
        StringWriter text = new StringWriter();
        Tracer tracer = new Tracer(EventFilter.parse("kprobes:*"), new FtraceText(text));
        List<String> expected = new ArrayList<>();
        try (Probes p = Probes.attach(List.of("__alloc_pages:args,ret", "__free_pages:args"), tracer)) {
            for (int order = 0; order < 3; order++) {
                long pfn = k.alloc().allocPages(gfp, order, 0, null, 0);
                expected.add(String.format("__alloc_pages: (__alloc_pages+0x0) arg1=0x%x arg2=0x%x arg3=0x0 arg4=(null)"
                        + " arg5=0x0", gfp, order));
                expected.add(String.format("__alloc_pages: (__alloc_pages) ret=0x%x", pfn));
                k.alloc().freePages(pfn, order);
                expected.add(String.format("__free_pages: (__free_pages+0x0) arg1=0x%x arg2=0x%x", pfn, order));
            }
        }
        k.alloc().freePages(k.alloc().allocPages(gfp, 0, 0, null, 0), 0);
        List<String> got = new ArrayList<>();
        for (String line : text.toString().split("\n")) {
            FtraceText.Line l = FtraceText.parse(line);
            if (l != null) {
                String func = l.body().substring(1, l.body().indexOf(l.event().equals("probe") ? '+' : ')'));
                got.add(func + ": " + l.body());
                assertThat(l.event()).isIn("probe", "retprobe");
            }
        }
        assertThat(got).as("args and ret as called and returned; nothing after detach").isEqualTo(expected);
    }

    @Test
    void unknown_capture_flags_are_refused() {
        assertThatThrownBy(() -> Probes.attach(List.of("rmqueue:argz"), Tracer.OFF)).hasMessageContaining("args");
    }
}
