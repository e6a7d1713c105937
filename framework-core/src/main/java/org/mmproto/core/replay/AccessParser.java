package org.mmproto.core.replay;

/** Reads one kind of memory-access trace and hands every access to a replayer, streaming. */
public sealed interface AccessParser permits LackeyParser, PerfParser, DamonParser, DamonJsonParser {
    /** Replays at most {@code max} accesses; returns the number of trace records read. */
    long replay(LineReader in, AccessSink to, long max);
}
