package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.at;
import static org.mmproto.core.scenario.RunContext.hex;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.DeviceStore;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.Task;
import org.mmproto.core.task.Vma;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** Reads or writes every page of [addr, addr+length) as user code would. */
public record Touch(Meta meta, String task, Addr addr, Len length, boolean write, DeviceStore.Content content)
        implements Step {
    public static final StepType TYPE = StepType.of("touch", Touch::parse);
    private static final Set<String> KEYS = YamlTree.keys("task", "addr", "length", "write", "content");
    private static final List<String> CONTENTS = List.of("zero", "text", "incompressible", "unspecified");

    static Touch parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        Addr addr = p.addr(tree.require(m, "addr"));
        boolean write = tree.get(m, "write").map(tree::bool).orElse(true);
        DeviceStore.Content content = DeviceStore.Content.UNSPECIFIED;
        var c = tree.get(m, "content");
        if (c.isPresent()) {
            String v = tree.string(c.get());
            if (!CONTENTS.contains(v)) {
                throw tree.error(c.get(), "content: expected one of " + String.join(", ", CONTENTS) + ", got '" + v + "'");
            }
            if (!write) {
                throw tree.error(c.get(), "content: only a write (write: true) stores data");
            }
            content = DeviceStore.Content.valueOf(v.toUpperCase(Locale.ROOT));
        }
        return new Touch(meta, p.task(m), addr, p.lengthOf(m, addr), write, content);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Touch(m, task, addr, length, write, content);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task t = run.task(task);
        long a = run.resolve(addr);
        int r = run.ops().touch(t, a, length.value(), write, content);
        StepOutcome o = StepOutcome.raw(r);
        o.summary((write ? "write " : "read ") + at(addr, a) + " .. +" + length
                + (r == 0 ? "" : " = -" + Expectations.resultName(r)));
        if (r < 0) {
            String detail = faultDetail(t, a, length.value(), write, r, run);
            o.put("fault", detail);
            o.put("signal", detail.endsWith("SIGBUS") ? "SIGBUS" : detail.endsWith("SIGSEGV") ? "SIGSEGV" : "none");
        }
        return o;
    }

    /** {@code signal}: the signal the access would raise, {@code SIGSEGV}, {@code SIGBUS} or {@code none}. */
    @Override
    public List<String> expectFields() {
        return List.of("signal");
    }

    @Override
    public Object readField(String key, StepOutcome o) {
        return o.has(key) ? o.get(key) : "none";
    }

    @Override
    public Expectations.Expected expectField(String key, Node v, org.mmproto.core.scenario.ExpectationParser p) {
        String s = p.tree().string(v).strip();
        if (!List.of("SIGSEGV", "SIGBUS", "none").contains(s)) {
            throw p.tree().error(v, "signal: expected SIGSEGV, SIGBUS or none, got '" + s + "'");
        }
        return new Expectations.Text(s);
    }

    /** Why a touch failed, as the kernel would see it. */
    private static String faultDetail(Task t, long addr, long len, boolean write, int r, RunContext run) {
        if (r == -Errno.ENOMEM.code()) {
            return "out of memory at the fault (VM_FAULT_OOM): the kernel would run the OOM killer";
        }
        if (r != -Errno.EFAULT.code()) {
            return "the fault failed with " + Expectations.resultName(r);
        }
        Mm mm = t.mm();
        long end = addr + len;
        for (long a = addr & -4096L; Long.compareUnsigned(a, end) < 0; a += 4096) {
            Vma v = mm == null ? null : mm.find(a);
            if (v == null) {
                return "no VMA at " + hex(a) + ": a real access would get SIGSEGV";
            }
            if ((v.flags() & Vma.VM_READ) == 0) {
                return "VMA " + hex(v.start()) + "-" + hex(v.end()) + " is not readable (PROT_NONE) at " + hex(a)
                        + ": SIGSEGV";
            }
            if (write && (v.flags() & Vma.VM_WRITE) == 0) {
                return "VMA " + hex(v.start()) + "-" + hex(v.end()) + " is not writable at " + hex(a) + ": SIGSEGV";
            }
            if (v.deviceNid() >= 0 && run.kernel().mem().node(v.deviceNid()).presentPages() == 0) {
                return hex(a) + " maps node " + v.deviceNid() + "'s device, whose memory is not onlined: SIGBUS";
            }
            if (v.file() != null && v.fileIndex(a) >= v.file().sizePages()) {
                return hex(a) + " is beyond the end of " + v.file().name() + ": SIGBUS";
            }
        }
        return "the access faulted (EFAULT)";
    }
}
