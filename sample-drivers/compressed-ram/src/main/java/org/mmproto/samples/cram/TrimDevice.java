package org.mmproto.samples.cram;

/**
 * The device side of CRAM's {@code trim}: reserved (ballooned) pages handed back so their
 * backing is released, in batches of {@link #BATCH}; {@code -EAGAIN} is retried up to
 * {@link #MAX_RETRIES} times, after which (or on {@code -EBUSY}) CRAM writes zeroes instead
 * (as the dax/kmem test knob {@code cram_trim_mode} 1/2/3 does).
 */
final class TrimDevice {
    enum Mode { SUCCEED, EAGAIN, EBUSY }

    static final int BATCH = 512;
    static final int MAX_RETRIES = 8;
    static final int OK = 0;
    static final int EAGAIN = -11;
    static final int EBUSY = -16;

    private final Mode mode;
    /** How many -EAGAIN answers each batch gets before it succeeds. */
    private final int eagainPerBatch;

    TrimDevice(Mode mode, int eagainPerBatch) {
        this.mode = mode;
        this.eagainPerBatch = eagainPerBatch;
    }

    /** The result of trimming one batch: whether it was trimmed, and how many retries it took. */
    record Outcome(boolean trimmed, int retries) {
    }

    Outcome trimBatch() {
        if (mode == Mode.EBUSY) {
            return new Outcome(false, 0);
        }
        int answers = mode == Mode.EAGAIN ? eagainPerBatch : 0;
        int retries = 0;
        for (int attempt = 0; ; attempt++) {
            int r = attempt < answers ? EAGAIN : OK;
            if (r == OK) {
                return new Outcome(true, retries);
            }
            if (retries == MAX_RETRIES) {
                return new Outcome(false, retries);
            }
            retries++;
        }
    }
}
