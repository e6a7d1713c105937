package org.mmproto.core.mm;

/**
 * The per-page state byte of the simulated memmap (our {@code struct page}), one byte per 4 KiB
 * page. Bits 0-3: order; bits 4-5: migratetype (of the free list a free block sits on, or the
 * type a folio was allocated as); bits 6-7: what the page is.
 *
 * <p>A page whose kind is {@link #INSIDE} is the interior of a free buddy block; every other page
 * is a buddy head, a folio head or a folio tail, so a page is in exactly one state by
 * construction and the invariant checker only has to prove the lists agree.
 */
final class PageState {
    static final int ORDER_MASK = 0x0f;
    static final int MT_SHIFT = 4;
    static final int MT_MASK = 0x30;
    static final int KIND_MASK = 0xc0;

    /** Interior page of a free buddy block (not a head). */
    static final int INSIDE = 0x00;
    /** PageBuddy: head of a free block on a free list. */
    static final int BUDDY = 0x40;
    /** Head page of an allocated folio. */
    static final int HEAD = 0x80;
    /** Tail page of an allocated folio. */
    static final int TAIL = 0xc0;

    private PageState() {
    }

    /** Free lists of the three PCP types and HIGHATOMIC fit the two type bits; ISOLATE is not modelled. */
    static byte buddy(int order, int mt) {
        if (mt > 3) {
            throw new IllegalArgumentException("migratetype " + mt + " has no free lists in this model");
        }
        return (byte) (BUDDY | (mt << MT_SHIFT) | order);
    }

    static byte head(int order, int mt) {
        return (byte) (HEAD | (mt << MT_SHIFT) | order);
    }

    /**
     * Head page of a block on a per-CPU list: kind INSIDE (it is not PageBuddy), with order + 1 in
     * the order bits so it is told apart from the interior of a buddy block.
     */
    static byte pcp(int order, int mt) {
        return (byte) ((mt << MT_SHIFT) | (order + 1));
    }

    static boolean isPcp(byte s) {
        return kind(s) == INSIDE && (s & ORDER_MASK) != 0;
    }

    static int pcpOrder(byte s) {
        return (s & ORDER_MASK) - 1;
    }

    static int kind(byte s) {
        return s & KIND_MASK;
    }

    static int order(byte s) {
        return s & ORDER_MASK;
    }

    static int migratetype(byte s) {
        return (s & MT_MASK) >>> MT_SHIFT;
    }

    static String describe(byte s) {
        return switch (kind(s)) {
            case BUDDY -> "free buddy head order " + order(s);
            case HEAD -> "folio head order " + order(s);
            case TAIL -> "folio tail";
            default -> isPcp(s) ? "on a per-cpu list, order " + pcpOrder(s) : "inside a free block";
        };
    }
}
