package org.mmproto.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.kernel.Kernel;
import org.mmproto.core.machine.MachineFiles;
import org.mmproto.core.task.Task;

/**
 * Which task each pid of an strace log is replayed onto: the first pid, the children of logged
 * fork/vfork/clone/clone3 calls (also when the child's lines come before the parent's
 * {@code <... resumed> = PID}), and unknown pids, which are counted and listed (or an error).
 */
class StracePidsTest {
    private final Kernel k = Kernel.boot(MachineFiles.bundled("single"), BuiltInDesigns.all().get(0));
    private final Task root = k.spawn("a", 0, 0, 0, java.util.Set.of());
    private final Map<String, Task> created = new LinkedHashMap<>();

    private StraceReplayer replay(String log, boolean strict) {
        StraceReplayer s = new StraceReplayer(k, root, created::put, new ReplayClock(1, 100, ms -> { }), false,
                strict);
        s.replay(new LineReader(new ByteArrayInputStream(log.getBytes(StandardCharsets.ISO_8859_1)), "log.strace"),
                Long.MAX_VALUE);
        return s;
    }

    private static final String MMAP = "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)";

    @Test
    void a_pid_no_call_made_is_counted_and_listed_as_a_thread_of_the_first() {
        StraceReplayer s = replay("""
                100 10:00:00.000001 %s = 0x7f0000100000
                200 10:00:00.000002 %s = 0x7f0000300000
                200 10:00:00.000003 %s = 0x7f0000500000
                """.formatted(MMAP, MMAP, MMAP), false);
        assertThat(s.unknownPids()).containsExactly(Map.entry(200, 2L));
        assertThat(s.details()).containsEntry("unknown pid (a thread of pid 100)", 1L);
        assertThat(root.mm().find(0x7f0000300000L)).isNotNull(); // the thread's mmap is in the first pid's mm
        assertThat(s.mismatchCount()).isZero();
    }

    @Test
    void a_pid_no_call_made_is_an_error_with_file_and_line_when_strict() {
        assertThatThrownBy(() -> replay("""
                100 10:00:00.000001 %s = 0x7f0000100000
                200 10:00:00.000002 %s = 0x7f0000300000
                """.formatted(MMAP, MMAP), true))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("log.strace:2: pid 200 is not the log's first pid (100)");
    }

    @Test
    void a_child_seen_before_its_clone_returned_is_that_clones_child_not_an_unknown_pid() {
        StraceReplayer s = replay("""
                100 10:00:00.000001 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>
                101 10:00:00.000002 %s = 0x7f0000300000
                100 10:00:00.000003 <... clone resumed>, child_tidptr=0x7f00001000) = 101
                """.formatted(MMAP), true);
        assertThat(s.unknownPids()).isEmpty();
        Task child = created.get("a_101");
        assertThat(child).isNotNull();
        assertThat(child.mm().find(0x7f0000300000L)).isNotNull();
        assertThat(root.mm().find(0x7f0000300000L)).isNull(); // a fork: the child's own mm
        assertThat(s.calls()).containsEntry("clone", 1L).containsEntry("mmap", 1L);
        assertThat(s.mismatchCount()).isZero();
    }

    @Test
    void a_vfork_child_maps_into_its_parents_mm_until_execve_then_gets_its_own() {
        StraceReplayer s = replay("""
                100 10:00:00.000001 vfork() = 101
                101 10:00:00.000002 %s = 0x7f0000300000
                101 10:00:00.000003 execve("/bin/true", ["true"], 0x7ffc0000 /* 3 vars */) = 0
                101 10:00:00.000004 %s = 0x7f0000500000
                101 10:00:00.000005 exit_group(0) = ?
                101 10:00:00.000006 +++ exited with 0 +++
                """.formatted(MMAP, MMAP), true);
        assertThat(root.mm().find(0x7f0000300000L)).as("before execve the vfork child uses the parent's mm")
                .isNotNull();
        assertThat(root.mm().find(0x7f0000500000L)).as("after execve it has its own").isNull();
        Task child = created.get("a_101");
        assertThat(child.pid()).isEqualTo(101);
        assertThat(child.exited()).isTrue();
        assertThat(s.details()).containsEntry("vfork child (the parent's mm until execve or exit)", 1L);
        assertThat(s.mismatchCount()).isZero();
    }

    @Test
    void clone3_flags_are_read_from_its_struct() {
        String thread = "clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM"
                + "|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f827bb87990, parent_tid="
                + "0x7f827bb87990, exit_signal=0, stack=0x7f827b387000, stack_size=0x7fff80, tls=0x7f827bb876c0}"
                + " => {parent_tid=[5024]}, 88) = 5024";
        StraceArgs s = new StraceArgs(new LineReader(new ByteArrayInputStream(new byte[0]), "x"));
        assertThat(s.cloneFlags("clone3", thread, 1) & (StraceArgs.CLONE_VM | StraceArgs.CLONE_THREAD
                | StraceArgs.CLONE_VFORK)).isEqualTo(StraceArgs.CLONE_VM | StraceArgs.CLONE_THREAD);
        // the last flag before ", exit_signal=" must count: posix_spawn's clone3 is CLONE_VM|CLONE_VFORK
        assertThat(s.cloneFlags("clone3", "clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack="
                + "0x7f827bcbf000, stack_size=0x9000}, 88) = 5025", 1)).isEqualTo(StraceArgs.CLONE_VM
                | StraceArgs.CLONE_VFORK);
        assertThat(s.cloneFlags("vfork", "vfork() = 7", 1)).isEqualTo(StraceArgs.CLONE_VM | StraceArgs.CLONE_VFORK);
    }

    @Test
    void a_clone3_thread_shares_the_mm_and_a_clone3_vfork_child_borrows_it_until_execve() {
        // the shape of a real python3 log (scenarios/traces/python-spawn.strace): a thread by
        // clone3, then posix_spawn's clone3(CLONE_VM|CLONE_VFORK) whose child execs before the
        // parent's clone3 is logged as resumed
        StraceReplayer s = replay("""
                4982  20:42:31.531400 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f827bb87990, parent_tid=0x7f827bb87990, exit_signal=0, stack=0x7f827b387000, stack_size=0x7fff80, tls=0x7f827bb876c0} => {parent_tid=[5024]}, 88) = 5024
                5024  20:42:31.532144 mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f827bcc4000
                5024  20:42:31.533961 +++ exited with 0 +++
                4982  20:42:31.534081 clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x7f827bcbf000, stack_size=0x9000}, 88 <unfinished ...>
                5025  20:42:31.538209 execve("/bin/sh", ["sh", "-c", "true"], 0x7ffd94131bf8 /* 38 vars */ <unfinished ...>
                4982  20:42:31.538519 <... clone3 resumed>) = 5025
                5025  20:42:31.538840 <... execve resumed>) = 0
                5025  20:42:31.539349 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ff08940b000
                5025  20:42:31.542414 +++ exited with 0 +++
                """, true);
        assertThat(root.mm().find(0x7f827bcc4000L)).as("the thread's mmap").isNotNull();
        assertThat(root.mm().find(0x7ff08940b000L)).as("the exec'd child's mmap").isNull();
        assertThat(created).containsOnlyKeys("a_5025");
        assertThat(created.get("a_5025").exited()).isTrue();
        assertThat(root.exited()).isFalse();
        assertThat(s.unknownPids()).isEmpty();
        assertThat(s.mismatchCount()).isZero();
    }

    @Test
    void a_logged_heap_is_one_vma_and_mremap_answers_are_the_engines() {
        StraceReplayer s = replay("""
                100 10:00:00.000001 brk(NULL) = 0x555555560000
                100 10:00:00.000002 brk(0x555555581000) = 0x555555581000
                100 10:00:00.000003 brk(0x5555555a2000) = 0x5555555a2000
                100 10:00:00.000004 brk(0x555555591000) = 0x555555591000
                100 10:00:00.000005 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000100000
                100 10:00:00.000006 mremap(0x7f0000100000, 8192, 8192, MREMAP_MAYMOVE|MREMAP_DONTUNMAP) = 0x7f0000300000
                100 10:00:00.000007 mremap(0x7f0000200000, 4096, 8192, MREMAP_MAYMOVE) = -1 EFAULT (Bad address)
                100 10:00:00.000008 mremap(0x7f0000300000, 8192, 4096, MREMAP_MAYMOVE|MREMAP_DONTUNMAP) = -1 EINVAL (Invalid argument)
                100 10:00:00.000009 mmap(0x7f0000100000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = -1 EEXIST (File exists)
                """, true);
        assertThat(s.mismatchCount()).as("%s", s.mismatches()).isZero();
        assertThat(root.mm().intersecting(0x555555560000L, 0x5555555a2000L)).as("one [heap] VMA").hasSize(1);
        assertThat(root.mm().find(0x555555560000L).end()).isEqualTo(0x555555591000L);
        assertThat(root.mm().find(0x7f0000100000L)).as("DONTUNMAP keeps the old mapping").isNotNull();
        assertThat(root.mm().find(0x7f0000300000L)).isNotNull();
    }

    private static final String CLONE_UNFINISHED =
            "100 10:00:00.000001 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n";

    @Test
    void a_guessed_child_the_clone_return_contradicts_is_an_unknown_pid() {
        StraceReplayer s = replay(CLONE_UNFINISHED + """
                300 10:00:00.000002 %s = 0x7f0000300000
                100 10:00:00.000003 <... clone resumed>, child_tidptr=0x7f00001000) = 101
                """.formatted(MMAP), false);
        assertThat(s.unknownPids()).containsExactly(Map.entry(300, 2L));
        assertThat(s.details()).containsEntry("child seen before a clone that returned another pid (an unknown pid)",
                1L);
        assertThat(created).containsKey("a_101");
    }

    @Test
    void a_guessed_child_the_clone_return_contradicts_is_an_error_when_strict() {
        assertThatThrownBy(() -> replay(CLONE_UNFINISHED + """
                300 10:00:00.000002 %s = 0x7f0000300000
                100 10:00:00.000003 <... clone resumed>, child_tidptr=0x7f00001000) = 101
                """.formatted(MMAP), true))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("log.strace:3: pid 300 (first seen at line 2");
    }

    @Test
    void a_failed_clone_drops_its_guess_so_the_next_clone_guesses_again() {
        StraceReplayer s = replay(CLONE_UNFINISHED + """
                300 10:00:00.000002 %s = 0x7f0000300000
                100 10:00:00.000003 <... clone resumed>, child_tidptr=0x7f00001000) = -1 EAGAIN (Resource temporarily unavailable)
                """.formatted(MMAP) + CLONE_UNFINISHED.replace("000001", "000004") + """
                101 10:00:00.000005 %s = 0x7f0000500000
                100 10:00:00.000006 <... clone resumed>, child_tidptr=0x7f00001000) = 101
                """.formatted(MMAP), false);
        assertThat(s.unknownPids()).containsExactly(Map.entry(300, 2L));
        assertThat(s.details()).containsEntry("child seen before a clone that failed (an unknown pid)", 1L)
                .containsEntry("child seen before its clone returned", 2L);
        assertThat(created.get("a_101").mm().find(0x7f0000500000L)).as("101: the second clone's child").isNotNull();
    }

    @Test
    void a_flag_name_not_in_the_tables_is_reported_and_the_call_skipped_not_the_replay_aborted() {
        StraceReplayer s = replay("""
                100 10:00:00.000001 mmap(NULL, 2097152, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGE_2MB, -1, 0) = 0x7f0000200000
                100 10:00:00.000002 madvise(0x7f0000100000, 4096, MADV_NEWFANGLED) = 0
                100 10:00:00.000003 %s = 0x7f0000500000
                """.formatted(MMAP), true);
        assertThat(s.details())
                .containsEntry("not replayed: mmap with MAP_HUGE_2MB (a flag name not in the tables)", 1L)
                .containsEntry("not replayed: madvise with MADV_NEWFANGLED (a flag name not in the tables)", 1L);
        assertThat(s.calls()).containsExactly(Map.entry("mmap", 1L));
        assertThat(root.mm().find(0x7f0000500000L)).as("the replay went on").isNotNull();
        assertThat(s.mismatchCount()).isZero();
    }

    @Test
    void malformed_flags_are_still_an_error_with_file_and_line() {
        assertThatThrownBy(() -> replay("""
                100 10:00:00.000001 madvise(0x7f0000100000, 4096, madv?dontneed) = 0
                """, false))
                .isInstanceOf(TraceFormatException.class)
                .hasMessageStartingWith("log.strace:1: expected an MADV_ advice");
    }
}
