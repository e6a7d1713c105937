package org.mmproto.core.scenario;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.NodeMask;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.task.TransparentHugepage;

/**
 * A parsed, checked scenario: the machine, the tasks that exist at the start, and the ordered
 * steps. Built by {@link ScenarioParser}; run by {@link ScenarioRunner}.
 *
 * @param name          the scenario's name (default: the file name)
 * @param description   free text, may be empty
 * @param source        the file it came from, as named in messages
 * @param machine       the machine to boot
 * @param seed          the run seed (repeat steps without their own seed derive theirs from it)
 * @param thp           /sys/kernel/mm/transparent_hugepage/enabled, or null for the machine's default
 * @param checkEachStep run the invariant check after every step
 * @param tasks         the tasks spawned before the first step, in order
 * @param steps         the steps in file order
 * @param design        the design the scenario names (null = ops-struct, or --design)
 * @param drivers       driver plugins bound to private nodes
 */
public record Scenario(String name, String description, String source, MachineSpec machine, long seed,
                       TransparentHugepage.Mode thp, boolean checkEachStep, List<TaskDecl> tasks, List<Step> steps,
                       String design, List<DriverDecl> drivers) {
    public Scenario {
        tasks = List.copyOf(tasks);
        steps = List.copyOf(steps);
        drivers = List.copyOf(drivers);
    }

    /**
     * A driver plugin bound to a private node: {@code drivers: [{plugin: ID, node: N, config: {...}}]}.
     */
    public record DriverDecl(int line, String plugin, int nid, Map<String, Object> config) {
        public DriverDecl {
            config = Map.copyOf(config);
        }
    }

    /** A task of the {@code tasks:} list; pid 0 = the next free pid (from 100). */
    public record TaskDecl(int line, String name, int pid, int cpu, int uid, Set<String> caps, NodeMask mems) {
    }

    /** The same scenario with another run seed. */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, description, source, machine, newSeed, thp, checkEachStep, tasks, steps, design, drivers);
    }

    /** The same scenario under another design. */
    public Scenario withDesign(String newDesign) {
        return new Scenario(name, description, source, machine, seed, thp, checkEachStep, tasks, steps, newDesign, drivers);
    }
}
