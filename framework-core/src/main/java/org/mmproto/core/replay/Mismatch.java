package org.mmproto.core.replay;

/**
 * A replayed system call whose return differs from the one the program got: the fidelity
 * check of a replay.
 *
 * @param line     the trace line of the call
 * @param call     the call as logged
 * @param logged   what the real kernel returned (-errno for an error)
 * @param replayed what the simulated kernel returned
 */
public record Mismatch(String file, long line, String call, long logged, long replayed) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + LineReader.shorten(call) + ": logged " + show(logged) + ", replayed "
                + show(replayed);
    }

    static String show(long v) {
        if (v < 0 && v > -4096) {
            return "-" + ErrnoNames.name((int) -v);
        }
        return Long.compareUnsigned(v, 0xffff) > 0 ? "0x" + Long.toHexString(v) : Long.toString(v);
    }
}
