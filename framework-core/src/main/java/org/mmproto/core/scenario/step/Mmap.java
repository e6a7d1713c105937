package org.mmproto.core.scenario.step;

import static org.mmproto.core.scenario.RunContext.hex;
import static org.mmproto.core.task.MmOps.MAP_ANONYMOUS;
import static org.mmproto.core.task.MmOps.MAP_PRIVATE;
import static org.mmproto.core.task.MmOps.MAP_SHARED;
import static org.mmproto.core.task.MmOps.PROT_READ;
import static org.mmproto.core.task.MmOps.PROT_WRITE;

import java.util.Optional;
import java.util.Set;
import org.mmproto.core.config.YamlTree;
import org.mmproto.core.scenario.Args.Addr;
import org.mmproto.core.scenario.Args.Len;
import org.mmproto.core.scenario.Expectations;
import org.mmproto.core.scenario.Flags;
import org.mmproto.core.scenario.ParseContext;
import org.mmproto.core.scenario.RunContext;
import org.mmproto.core.scenario.Step;
import org.mmproto.core.scenario.StepOutcome;
import org.mmproto.core.task.ShmemFile;
import org.mmproto.core.task.Task;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * mmap(addr, length, prot, flags, fd, offset); {@code name} binds the returned address. Without
 * {@code prot:} the mapping is PROT_READ|PROT_WRITE; without {@code flags:} it is MAP_SHARED of
 * the memfd given as {@code fd:}, else MAP_PRIVATE|MAP_ANONYMOUS. {@code device: N} maps private
 * node N's device file instead of a memfd (its driver's device_mmap answers; CONTRACT R7.1):
 * without {@code flags:} MAP_PRIVATE.
 */
public record Mmap(Meta meta, String task, String name, Addr addr, Len length, long prot, long flags,
                   String fd, long offset, int device) implements Step {
    public static final StepType TYPE = StepType.of("mmap", Mmap::parse).defines("name", "mapping");
    private static final Set<String> KEYS = YamlTree.keys("task", "name", "addr", "length", "prot", "flags", "fd",
            "offset", "device");

    static Mmap parse(ParseContext p, Meta meta, Node opKey, Node value) {
        YamlTree tree = p.tree();
        MappingNode m = p.args(value, opKey, meta.op(), KEYS);
        String task = p.task(m);
        Addr addr = tree.get(m, "addr").map(p::addr).orElse(Addr.absolute(0));
        Len length = p.len(tree.require(m, "length"));
        String fd = null;
        Optional<Node> fdNode = tree.get(m, "fd");
        if (fdNode.isPresent()) {
            String f = tree.string(fdNode.get()).strip();
            if (!f.equals("-1")) {
                fd = p.memfd(fdNode.get());
            }
        }
        int device = -1;
        Optional<Node> devNode = tree.get(m, "device");
        if (devNode.isPresent()) {
            if (fdNode.isPresent()) {
                throw tree.error(devNode.get(), "device: maps a device file; it cannot be combined with fd:");
            }
            device = tree.intValue(devNode.get(), 0, Integer.MAX_VALUE);
            if (device >= p.machine().nodeCount() || !p.machine().nodes().get(device).isPrivate()) {
                throw tree.error(devNode.get(), "device: node " + device + " is not a private node of machine "
                        + p.machine().name() + "; a device file belongs to a private node's driver");
            }
        }
        long prot = tree.get(m, "prot").map(n -> p.flags(n, Flags.PROT)).orElse((long) (PROT_READ | PROT_WRITE));
        long defFlags = fdNode.isPresent() ? MAP_SHARED : devNode.isPresent() ? MAP_PRIVATE : MAP_PRIVATE | MAP_ANONYMOUS;
        long flags = tree.get(m, "flags").map(n -> p.flags(n, Flags.MAP)).orElse(defFlags);
        long offset = tree.get(m, "offset").map(n -> p.len(n).value()).orElse(0L);
        String name = null;
        Optional<Node> nameNode = tree.get(m, "name");
        if (nameNode.isPresent()) {
            name = p.newName(nameNode.get(), "mapping");
            p.mappingDefined(name, meta.line(), (length.value() + 4095) & -4096L);
        }
        return new Mmap(meta, task, name, addr, length, prot, flags, fd, offset, device);
    }

    @Override
    public Step withMeta(Meta m) {
        return new Mmap(m, task, name, addr, length, prot, flags, fd, offset, device);
    }

    @Override
    public StepOutcome run(RunContext run) {
        Task t = run.task(task);
        long a = run.resolve(addr);
        ShmemFile f = fd == null ? null : run.memfd(fd);
        long r = device >= 0
                ? (run.kernel().deviceMmap() == null ? -org.mmproto.api.Errno.ENODEV.code()
                : run.kernel().deviceMmap().mmap(t, device, a, length.value(), (int) prot, (int) flags, offset, name))
                : run.ops().mmap(t, a, length.value(), (int) prot, (int) flags, f, offset, name);
        if (name != null) {
            if (r >= 0) {
                run.mapped(name, r);
            } else {
                run.mapFailed(name, "the mmap at line " + line() + " that names it failed with "
                        + Expectations.resultName(r));
            }
        }
        StepOutcome o = StepOutcome.raw(r);
        if (r >= 0) {
            o.put("addr", hex(r));
        }
        return o.summary((name != null ? name + " = " : "") + "mmap(" + (a == 0 ? "NULL" : hex(a)) + ", "
                + length + ", " + Flags.PROT.format(prot) + ", " + Flags.MAP.format(flags) + ", "
                + (device >= 0 ? "node" + device + " device" : fd == null ? "-1" : fd + "=" + run.memfdNumber(fd))
                + ", " + offset + ")"
                + " = " + (r >= 0 ? hex(r) : "-" + Expectations.resultName(r)));
    }
}
