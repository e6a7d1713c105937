package org.mmproto.core.mm;

import org.mmproto.core.machine.MachineSpec;
import org.mmproto.core.machine.NodeSpec;

/**
 * Checks, before boot allocates anything, that the machine's per-page state fits in the Java
 * heap, so a machine too large fails with a message that says what to do instead of an
 * OutOfMemoryError halfway through boot. The estimate is the memmap layout of {@link Zone}
 * (next and prev links, 4 bytes each, and a state byte per page, one migratetype byte per
 * pageblock), what {@link PhysicalMemory#bytesPerPage()} reports after boot.
 */
public final class MemmapBudget {
    /** Bytes of memmap per 4 KiB page (Zone: int next, int prev, byte state). */
    public static final int BYTES_PER_PAGE = 4 + 4 + 1;
    /**
     * Heap kept free for everything else a run allocates (tasks, page tables, LRU chunks,
     * reports): a quarter of the heap, at most 256 MiB. A fixed 256 MiB left nothing at all in a
     * 256 MiB heap, whatever the machine.
     */
    static final long MAX_HEADROOM = 256L << 20;

    private MemmapBudget() {
    }

    /** Heap bytes the memmap of spec needs. */
    public static long memmapBytes(MachineSpec spec) {
        long pages = 0;
        for (NodeSpec n : spec.nodes()) {
            pages += n.sizeBytes() >>> 12;
        }
        return pages * BYTES_PER_PAGE + pages / 512;
    }

    /** The heap kept free besides the memmap in a heap of {@code maxHeap} bytes. */
    static long headroom(long maxHeap) {
        return Math.min(MAX_HEADROOM, maxHeap / 4);
    }

    /** Heap the memmap may take: the max heap less what is live and the headroom (may be negative). */
    static long available(long maxHeap, long used) {
        return maxHeap - used - headroom(maxHeap);
    }

    /** Throws {@link MachineTooLargeException} when spec's memmap does not fit in the heap left. */
    public static void check(MachineSpec spec) {
        Runtime rt = Runtime.getRuntime();
        long need = memmapBytes(spec);
        long used = rt.totalMemory() - rt.freeMemory();
        if (need <= available(rt.maxMemory(), used)) {
            return;
        }
        System.gc(); // "used" may be garbage of earlier runs; count only what is live before refusing
        used = rt.totalMemory() - rt.freeMemory();
        if (need <= available(rt.maxMemory(), used)) {
            return;
        }
        throw refusal(spec, need, rt.maxMemory(), used);
    }

    /** The error for a machine whose memmap of {@code need} bytes does not fit: what it needs, what there is. */
    static MachineTooLargeException refusal(MachineSpec spec, long need, long maxHeap, long used) {
        long memBytes = 0;
        for (NodeSpec n : spec.nodes()) {
            memBytes += n.sizeBytes();
        }
        long want = need + used + MAX_HEADROOM;
        String suggest = want > 1L << 30 ? ((want + (1L << 30) - 1) >>> 30) + "g" // whole GiB, else 64 MiB steps
                : (((want + (64L << 20) - 1) >>> 26) << 6) + "m";
        return new MachineTooLargeException(String.format(
                "machine '%s' (%s) has %s of memory; simulating it needs about %s of Java heap for its memmap"
                        + " (%d bytes per 4 KiB page) plus %s for the run, but the max heap is %s with %s in use."
                        + " Run with MMPROTO_JAVA_OPTS=-Xmx%s (the machine needs that much RAM), or use a smaller"
                        + " machine.",
                spec.name(), spec.source(), human(memBytes), human(need), BYTES_PER_PAGE,
                human(headroom(maxHeap)), human(maxHeap), human(used), suggest));
    }

    private static String human(long bytes) {
        if (bytes >= 1L << 40) {
            return String.format("%.1f TiB", bytes / (double) (1L << 40));
        }
        if (bytes >= 1L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format("%d MiB", bytes >>> 20);
    }

    /** The machine's memmap does not fit in the heap; an argument error (exit status 2) with a remedy. */
    public static final class MachineTooLargeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MachineTooLargeException(String message) {
            super(message);
        }
    }
}
