package org.mmproto.core.task;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mmproto.api.Errno;
import org.mmproto.core.hooks.designs.OpsStruct;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.VmTunables;
import org.mmproto.core.mm.ProcFs;
import org.mmproto.core.testkit.TestMachines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mmproto.core.testkit.TestMachines.MiB;


/** vm.overcommit_memory 0/1/2 as mm/util.c __vm_enough_memory decides, and Committed_AS. */
class OvercommitTest {
    private static final long GiB = 1L << 30;
    private static final int RW = MmOps.PROT_READ | MmOps.PROT_WRITE;
    private static final int ANON = MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS;
    private static final long ENOMEM = -Errno.ENOMEM.code();

    private static Kernel boot(int mode, int ratio, long kbytes) {
        VmTunables vm = new VmTunables(-1, 10, VmTunables.DEFAULT_LOWMEM_RESERVE_RATIO, true, 0, mode, ratio, kbytes);
        return Kernel.boot(TestMachines.of("one", TestMachines.slit(1), vm,
                TestMachines.node(0, 1 * GiB, TestMachines.cpus(0))), new OpsStruct());
    }

    private static long map(Kernel k, Task t, long len, int prot, int flags) {
        return k.mmOps().mmap(t, 0, len, prot, flags, null, 0, null);
    }

    @Test
    void heuristic_mode_refuses_only_a_single_mapping_larger_than_ram_plus_swap() {
        Kernel k = boot(0, 50, 0);
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long ram = k.mem().totalManagedPages() * 4096;
        // OVERCOMMIT_GUESS: if (pages > totalram_pages() + total_swap_pages) goto error
        assertThat(map(k, a, ram + 4096, RW, ANON)).isEqualTo(ENOMEM);
        assertThat(map(k, a, ram, RW, ANON)).isPositive();
        assertThat(map(k, a, ram, RW, ANON)).isPositive(); // the sum may exceed RAM
        // read-only private and shared file mappings are not accountable_mapping()s
        assertThat(map(k, a, 64 * ram, MmOps.PROT_READ, ANON)).isPositive();
    }

    @Test
    void map_noreserve_skips_the_charge_except_under_overcommit_never() {
        // accountable_mapping(): VM_NORESERVE mappings are not charged; mmap sets VM_NORESERVE for
        // MAP_NORESERVE unless sysctl_overcommit_memory == OVERCOMMIT_NEVER
        Kernel k = boot(0, 50, 0);
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long ram = k.mem().totalManagedPages() * 4096;
        assertThat(map(k, a, 64 * ram, RW, ANON | MmOps.MAP_NORESERVE)).isPositive();
        assertThat(k.overcommit().committedPages()).isZero();
        Kernel never = boot(2, 50, 0);
        Task b = never.spawn("b", 0, 0, 1000, Set.of());
        assertThat(map(never, b, 64 * ram, RW, ANON | MmOps.MAP_NORESERVE)).isEqualTo(ENOMEM);
    }

    @Test
    void always_mode_maps_anything_the_address_space_holds() {
        Kernel k = boot(1, 50, 0);
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        assertThat(map(k, a, 64L << 40, RW, ANON)).isPositive();
        assertThat(k.overcommit().committedPages()).isEqualTo((64L << 40) >>> 12);
    }

    @Test
    void never_mode_charges_private_writable_mappings_against_commit_limit_and_releases_them() {
        Kernel k = boot(2, 50, 0);
        Overcommit oc = k.overcommit();
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long ramPages = k.mem().totalManagedPages();
        // vm_commit_limit: totalram_pages * overcommit_ratio / 100 + total_swap_pages (none)
        assertThat(oc.commitLimitPages()).isEqualTo(ramPages * 50 / 100);
        long buf = map(k, a, 64 * MiB, RW, ANON);
        assertThat(oc.committedPages()).isEqualTo(64 * MiB / 4096);
        map(k, a, 64 * MiB, MmOps.PROT_READ, ANON); // not charged
        assertThat(oc.committedPages()).isEqualTo(64 * MiB / 4096);
        // a split keeps VM_ACCOUNT on both halves; unmapping the middle releases just that part
        assertThat(k.mmOps().munmap(a, buf + 16 * MiB, 16 * MiB)).isZero();
        assertThat(oc.committedPages()).isEqualTo(48 * MiB / 4096);
        // more than CommitLimit fails; less succeeds
        assertThat(map(k, a, oc.commitLimitPages() * 4096, RW, ANON)).isEqualTo(ENOMEM);
        assertThat(oc.committedPages()).isEqualTo(48 * MiB / 4096); // a refused charge is undone
        assertThat(map(k, a, 256 * MiB, RW, ANON)).isPositive();
        k.mmOps().exit(a);
        assertThat(oc.committedPages()).isZero();
    }

    @Test
    void never_mode_with_overcommit_kbytes_and_the_meminfo_lines() {
        Kernel k = boot(2, 50, 100 * 1024);
        Overcommit oc = k.overcommit();
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        assertThat(oc.commitLimitPages()).isEqualTo(100 * 1024 / 4);
        // admin_reserve (8 MiB) is subtracted for a task without CAP_SYS_ADMIN
        assertThat(map(k, a, 95 * MiB, RW, ANON)).isEqualTo(ENOMEM);
        Task root = k.spawn("root", 0, 0, 0, Set.of("CAP_SYS_ADMIN"));
        assertThat(map(k, root, 95 * MiB, RW, ANON)).isPositive();
        assertThat(ProcFs.meminfo(k.mem(), k.swap(), oc.commitLimitPages(), oc.committedPages()))
                .contains("CommitLimit:      102400 kB").contains("Committed_AS:      97280 kB");
    }

    @Test
    void never_mode_map_fixed_over_a_charged_mapping_reuses_its_charge_and_a_failure_keeps_the_old_one() {
        Kernel k = boot(2, 50, 0);
        Overcommit oc = k.overcommit();
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long buf = map(k, a, 128 * MiB, RW, ANON);
        long before = oc.committedPages();
        assertThat(k.mmOps().mmap(a, buf, 128 * MiB, RW, ANON | MmOps.MAP_FIXED, null, 0, null)).isEqualTo(buf);
        assertThat(oc.committedPages()).isEqualTo(before);
        long huge = oc.commitLimitPages() * 4096;
        assertThat(k.mmOps().mmap(a, buf, huge, RW, ANON | MmOps.MAP_FIXED, null, 0, null)).isEqualTo(ENOMEM);
        assertThat(a.mm().find(buf)).isNotNull(); // abort_munmap: the old mapping stays
        assertThat(oc.committedPages()).isEqualTo(before);
    }

    @Test
    void never_mode_fork_charges_the_child_and_fails_when_it_does_not_fit() {
        Kernel k = boot(2, 50, 0);
        Overcommit oc = k.overcommit();
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long limit = oc.commitLimitPages() * 4096;
        map(k, a, limit * 2 / 5, RW, ANON);
        Task c = k.mmOps().fork(a, "c", 300);
        assertThat(c).isNotNull();
        long twice = oc.committedPages();
        assertThat(k.mmOps().fork(a, "d", 301)).isNull(); // dup_mmap: security_vm_enough_memory_mm fails
        assertThat(oc.committedPages()).isEqualTo(twice);
        assertThat(k.tasks()).extracting(Task::name).doesNotContain("d");
    }

    @Test
    void shared_anonymous_memory_is_charged_by_shmem_until_its_last_user_goes() {
        Kernel k = boot(2, 50, 0);
        Overcommit oc = k.overcommit();
        Task a = k.spawn("a", 0, 0, 1000, Set.of());
        long buf = map(k, a, 32 * MiB, RW, MmOps.MAP_SHARED | MmOps.MAP_ANONYMOUS);
        assertThat(oc.committedPages()).isEqualTo(32 * MiB / 4096);
        k.mmOps().munmap(a, buf, 32 * MiB);
        assertThat(oc.committedPages()).isZero();
    }

    @Test
    void the_machine_file_vm_section_sets_the_sysctls_and_rejects_values_out_of_range() {
        String base = "nodes:\n  - size: 1GiB\n    cpus: 0\nvm:\n";
        VmTunables vm = org.mmproto.core.machine.MachineYamlParser.parse(base
                + "  overcommit_memory: 2\n  overcommit_ratio: 80\n  overcommit_kbytes: 4096\n", "m.yaml").vm();
        assertThat(vm.overcommitMemory()).isEqualTo(2);
        assertThat(vm.overcommitRatio()).isEqualTo(80);
        assertThat(vm.overcommitKbytes()).isEqualTo(4096);
        VmTunables def = org.mmproto.core.machine.MachineYamlParser.parse(base + "  watermark_scale_factor: 10\n",
                "m.yaml").vm();
        assertThat(def.overcommitMemory()).isZero();
        assertThat(def.overcommitRatio()).isEqualTo(50);
        assertThat(def.overcommitKbytes()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.mmproto.core.machine.MachineYamlParser.parse(
                base + "  overcommit_memory: 3\n", "m.yaml"))
                .isInstanceOf(org.mmproto.core.config.ConfigException.class).hasMessageContaining("m.yaml:5");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.mmproto.core.machine.MachineYamlParser.parse(
                base + "  overcommit_ratio: -1\n", "m.yaml"))
                .isInstanceOf(org.mmproto.core.config.ConfigException.class);
    }
}
