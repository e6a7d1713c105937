package org.mmproto.core.mm;

/** The foundation's checkpoint: counts consultations per private node and allows them all. */
public final class CountingCheckpoint implements PrivateNodeCheckpoint {
    private final long[] consulted;

    public CountingCheckpoint(int nodes) {
        this.consulted = new long[nodes];
    }

    @Override
    public boolean allowAlloc(int nid, int gfp, int order, int preferredNid, AllocCall call) {
        consulted[nid]++;
        return true;
    }

    public long consulted(int nid) {
        return consulted[nid];
    }
}
