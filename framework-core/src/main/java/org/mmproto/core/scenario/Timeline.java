package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The run over time: the engine sampled right after boot (line 0) and after each step, so a
 * report can chart how each counter moved. Every value is one the engine counted or a driver
 * reported at that point; nothing is interpolated.
 *
 * @param lines  the scenario line of each sample (0 = after boot, before the first step)
 * @param series each sampled quantity, one value per sample
 */
public record Timeline(List<Integer> lines, List<Series> series) {
    /** What a series measures; the report groups its charts by kind. */
    public enum Kind {
        /** Pages in allocated folios on the node (total - free - per-CPU lists). */
        NODE_USED,
        /** A /proc/vmstat counter (or migrate_reason count): its change since the run began. */
        VMSTAT,
        /** The pressure or capacity the node's driver reported through its context (R1.6). */
        DRIVER,
        /** A statistic the node's driver reported through its context (reportStat, R1.9), e.g. poison. */
        DRIVER_STAT
    }

    /**
     * One sampled quantity.
     *
     * @param key    unique in the timeline: {@code node<N>.used_pages}, {@code vmstat.<counter>},
     *               {@code node<N>.pressure}, {@code node<N>.capacity_pages}, {@code node<N>.stat.<name>}
     * @param nid    the node, -1 for a machine-wide counter
     * @param name   the counter's own name ({@code used_pages}, {@code pgdemote_kswapd}, {@code poison})
     * @param unit   {@code pages}, or {@code count} for anything else
     * @param values one per sample; null where a driver had not reported the value yet
     */
    public record Series(String key, Kind kind, int nid, String name, String unit, List<Long> values) {
        public Series {
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    public Timeline {
        lines = List.copyOf(lines);
        series = List.copyOf(series);
    }

    /** No samples (a report built without a run). */
    public static Timeline empty() {
        return new Timeline(List.of(), List.of());
    }

    /** The series of one kind, in recording order. */
    public List<Series> of(Kind kind) {
        return series.stream().filter(s -> s.kind() == kind).toList();
    }
}
