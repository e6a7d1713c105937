package org.mmproto.core.trace;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's loggers, one per subsystem, named as the kernel names the subsystem (its source
 * file or thread: mm/page_alloc.c, mm/vmscan.c and its kswapd thread, ...), under {@code mm.}
 * for the mm ones so a whole group can be set at once. Messages print as
 * {@code mmproto: LEVEL name: text}. Levels: warnings are what a normal run shows (allocation
 * failures, contained driver failures, plugin problems); info is a summary per event a reader
 * follows with -v (each kswapd run, each injected fault, each plugin loaded); debug is detail
 * (-vv).
 */
public enum Log {
    PAGE_ALLOC("mm.page_alloc"),
    VMSCAN("mm.vmscan"),
    KSWAPD("mm.kswapd"),
    COMPACTION("mm.compaction"),
    KHUGEPAGED("mm.khugepaged"),
    MIGRATE("mm.migrate"),
    MEMPOLICY("mm.mempolicy"),
    NUMA_BALANCING("mm.numa_balancing"),
    FAULT_INJECT("fault_inject"),
    CONTAINMENT("driver.containment"),
    PLUGIN("plugin"),
    TRACE("trace");

    private final String name;

    Log(String name) {
        this.name = name;
    }

    /** The logger's name, as logback.xml and -v set its level. */
    public String loggerName() {
        return name;
    }

    public Logger logger() {
        return LoggerFactory.getLogger(name);
    }
}
