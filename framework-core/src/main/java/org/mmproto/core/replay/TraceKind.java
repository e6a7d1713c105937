package org.mmproto.core.replay;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a trace file holds, told from its content ({@code kind: auto}) or named by the scenario. */
public enum TraceKind {
    /** {@code strace -f -tt -e trace=memory,process} output: the address space and the processes. */
    STRACE,
    /** valgrind {@code --tool=lackey --trace-mem=yes}: every instruction fetch, load, store, modify. */
    LACKEY,
    /** {@code perf script} lines of memory samples (perf mem record), or {@code perf mem report -D}: data addresses. */
    PERF,
    /** DAMON records, {@code damo report raw} text or damo's JSON: regions with their nr_accesses per snapshot. */
    DAMON;

    private static final Pattern LACKEY_LINE = Pattern.compile("^(I |  ?[LSM]) +[0-9a-fA-F]+,[0-9]+\\s*$");
    private static final Pattern VALGRIND_MSG = Pattern.compile("^(==|--)[0-9]+(==|--).*");
    private static final Pattern STRACE_LINE = Pattern.compile(
            "^(\\[pid +)?([0-9]+\\]? +)?([0-9:.]+ +)?([a-z_0-9]+\\(|\\+\\+\\+ |--- |<\\.\\.\\. ).*");
    private static final Pattern PERF_MEM_RAW = Pattern.compile("^# PID, TID, IP, ADDR, .*");
    private static final Pattern PERF_LINE = Pattern.compile("^\\s*\\S+\\s+[0-9]+(/[0-9]+)?\\s+(\\[[0-9]+\\]\\s+)?[0-9]+\\.[0-9]+:.*");
    private static final Pattern DAMON_LINE = Pattern.compile(
            "^(base_time_absolute|monitoring_start|monitoring_end|monitoring_duration|target_id|nr_regions):.*");

    private static final Pattern DAMON_JSON_LINE = Pattern.compile(
            "^\\s*(\\[\\s*)?(\\{\\s*)?\"(kdamond_idx|context_idx|intervals|scheme_idx|target_id|snapshots)\"\\s*:.*");

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final Pattern JSON_START = Pattern.compile("\\s*(\\[\\s*[{\\]]|\\{\\s*\")");
    private static final Pattern JSON_DAMON_KEY = Pattern.compile(
            "\"(kdamond_idx|context_idx|intervals|scheme_idx|target_id|snapshots|regions|nr_accesses)\"\\s*:");

    /**
     * DAMON when {@code head}, the beginning of a trace, is the beginning of a JSON document (its
     * first non-blank character '[' or '{') naming one of damo's record keys; null otherwise.
     */
    static TraceKind ofJsonStart(String head) {
        if (!JSON_START.matcher(head).lookingAt()) {
            return null; // "[pid 5] mmap(..." is strace, not JSON
        }
        return JSON_DAMON_KEY.matcher(head).find() ? DAMON : null;
    }

    /** The kind one line shows, or null when the line alone does not tell (blank, a valgrind banner). */
    static TraceKind of(String line) {
        if (line.isBlank() || VALGRIND_MSG.matcher(line).matches() && !line.contains("Lackey")) {
            return null;
        }
        if (line.contains("Lackey") || LACKEY_LINE.matcher(line).matches()) {
            return LACKEY;
        }
        if (DAMON_LINE.matcher(line).matches() || DAMON_JSON_LINE.matcher(line).matches()) {
            return DAMON;
        }
        if (PERF_LINE.matcher(line).matches() || PERF_MEM_RAW.matcher(line).matches()) {
            return PERF;
        }
        if (STRACE_LINE.matcher(line).matches()) {
            return STRACE;
        }
        return null;
    }
}
