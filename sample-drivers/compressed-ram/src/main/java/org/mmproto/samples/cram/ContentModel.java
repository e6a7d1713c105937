package org.mmproto.samples.cram;

import org.mmproto.api.driver.DeviceStore.Content;

/**
 * What a page compresses to. A store whose content the engine knows (a zeroed page, a touch
 * step's {@code content:}) has that size; an {@link Content#UNSPECIFIED} one (a migration copy,
 * a swap-in, a plain write) draws its kind from the seeded mix, as a function of (seed, pfn, the
 * page's store generation), so a run is reproducible and a rewrite may change the page's kind.
 */
final class ContentModel {
    /** Fractions of zero, text-like and incompressible pages among unspecified stores. */
    record Mix(double zero, double text, double incompressible) {
        static final Mix DEFAULT = new Mix(0.1, 0.7, 0.2);
    }

    static final int PAGE = 4096;

    private final long seed;
    private final Mix mix;
    private final int textBytes;

    ContentModel(long seed, Mix mix, int textBytes) {
        this.seed = seed;
        this.mix = mix;
        this.textBytes = textBytes;
    }

    /** The kind an unspecified store to {@code pfn} (its {@code generation}-th store) writes. */
    Content draw(long pfn, long generation) {
        double u = (mix64(seed ^ mix64(pfn * 0x9E3779B97F4A7C15L + generation)) >>> 11) * 0x1.0p-53;
        if (u < mix.zero()) {
            return Content.ZERO;
        }
        return u < mix.zero() + mix.text() ? Content.TEXT : Content.INCOMPRESSIBLE;
    }

    /** Bytes of device backing a page of this kind takes. */
    int compressedBytes(Content c) {
        return switch (c) {
            case ZERO -> 0;
            case TEXT -> textBytes;
            case INCOMPRESSIBLE, UNSPECIFIED -> PAGE;
        };
    }

    /** splitmix64's finaliser. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
