package org.mmproto.core.replay;

/** Where an access parser sends what it reads ({@link AccessReplayer} on a kernel). */
public interface AccessSink {
    /** One access of {@code size} bytes at {@code addr} at trace time {@code ns}. */
    void access(long addr, int size, boolean write, long ns);

    /** A DAMON access: a store where nothing is mapped yet, else a load (a sink that cannot tell: a load). */
    default void populate(long addr, long ns) {
        access(addr, 1, false, ns);
    }
}
