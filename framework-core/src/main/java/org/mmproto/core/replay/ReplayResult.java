package org.mmproto.core.replay;

import java.util.List;
import java.util.Map;

/**
 * What one replay did: every number is an event the replayer counted (its own records and
 * accesses, the engine's returns); the engine's counters (pgfault, numa_hint_faults, pgdemote_*)
 * are in the run's vmstat like any step's.
 *
 * @param records      trace records read (syscall events, accesses, samples, DAMON page accesses)
 * @param calls        modelled system calls replayed, by name
 * @param details      how some of those calls and the exits were taken (mmap(file as anon), exit (+++ ...)),
 *                     by name; counted apart from {@code calls}, never summed with them
 * @param notModelled  logged calls that change no state the engine models, by name
 * @param unknownPids  strace pids that are not the first and that no logged fork, vfork, clone or
 *                     clone3 made, with the line each was first seen at: replayed as threads of
 *                     the first pid ({@code firstPid})
 * @param mismatches   the first replayed calls whose return differs from the log
 * @param slowPath     accesses that took the engine's fault path
 * @param segv         accesses the address space refused
 */
public record ReplayResult(TraceKind kind, long records, Map<String, Long> calls, Map<String, Long> details,
                           Map<String, Long> notModelled, Map<Integer, Long> unknownPids, int firstPid,
                           List<Mismatch> mismatches, long mismatchCount, long accesses, long stores, long slowPath,
                           long segv, long autoMappedRegions, long autoMappedBytes, long ticks) {
}
