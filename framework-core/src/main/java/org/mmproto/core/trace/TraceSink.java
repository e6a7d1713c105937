package org.mmproto.core.trace;

/** Where fired events go (a trace file writer, a test's list). */
public interface TraceSink extends AutoCloseable {
    void event(TraceEvent e);

    /** A sampled value (a node's used pages after a step); writers without counters ignore it. */
    default void counter(long timeNs, String name, int nid, long value) {
    }

    @Override
    default void close() {
    }
}
