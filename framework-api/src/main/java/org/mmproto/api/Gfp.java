package org.mmproto.api;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable {@code gfp_t} allocation mask with the bit layout of Linux 6.12 on x86-64
 * (no KASAN_HW_TAGS, no LOCKDEP, no SLAB_OBJ_EXT), plus the private-nodes RFC's
 * {@code __GFP_PRIVATE} in the otherwise unused bit 0x200.
 *
 * <p>{@link #toString()} prints like the kernel's {@code show_gfp_flags} tracepoint helper and
 * {@link #parse(String)} reads that output back (and a little more).
 */
public record Gfp(int bits) {

    /** Raw masks for code that tests bits on a plain {@code int}. */
    public static final class Bits {
        public static final int DMA = 0x1;
        public static final int HIGHMEM = 0x2;
        public static final int DMA32 = 0x4;
        public static final int MOVABLE = 0x8;
        public static final int RECLAIMABLE = 0x10;
        public static final int HIGH = 0x20;
        public static final int IO = 0x40;
        public static final int FS = 0x80;
        public static final int ZERO = 0x100;
        public static final int PRIVATE = 0x200;
        public static final int DIRECT_RECLAIM = 0x400;
        public static final int KSWAPD_RECLAIM = 0x800;
        public static final int WRITE = 0x1000;
        public static final int NOWARN = 0x2000;
        public static final int RETRY_MAYFAIL = 0x4000;
        public static final int NOFAIL = 0x8000;
        public static final int NORETRY = 0x10000;
        public static final int MEMALLOC = 0x20000;
        public static final int COMP = 0x40000;
        public static final int NOMEMALLOC = 0x80000;
        public static final int HARDWALL = 0x100000;
        public static final int THISNODE = 0x200000;
        public static final int ACCOUNT = 0x400000;
        public static final int ZEROTAGS = 0x800000;

        /** {@code __GFP_RECLAIM}: DIRECT_RECLAIM | KSWAPD_RECLAIM. */
        public static final int RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;
        /** {@code GFP_ZONEMASK}: the bits {@code gfp_zone()} looks at. */
        public static final int ZONEMASK = DMA | HIGHMEM | DMA32 | MOVABLE;
        /** {@code GFP_MOVABLE_MASK}: the bits {@code gfp_migratetype()} looks at. */
        public static final int MOVABLE_MASK = MOVABLE | RECLAIMABLE;
        /** Every bit that has a name. */
        public static final int ALL_KNOWN = 0xffffff;

        private Bits() {
        }
    }

    // Single-bit modifiers.
    public static final Gfp __GFP_DMA = new Gfp(Bits.DMA);
    public static final Gfp __GFP_HIGHMEM = new Gfp(Bits.HIGHMEM);
    public static final Gfp __GFP_DMA32 = new Gfp(Bits.DMA32);
    public static final Gfp __GFP_MOVABLE = new Gfp(Bits.MOVABLE);
    public static final Gfp __GFP_RECLAIMABLE = new Gfp(Bits.RECLAIMABLE);
    public static final Gfp __GFP_HIGH = new Gfp(Bits.HIGH);
    public static final Gfp __GFP_IO = new Gfp(Bits.IO);
    public static final Gfp __GFP_FS = new Gfp(Bits.FS);
    public static final Gfp __GFP_ZERO = new Gfp(Bits.ZERO);
    /** Private-nodes RFC flag, in the bit 6.12 leaves unused (0x200). */
    public static final Gfp __GFP_PRIVATE = new Gfp(Bits.PRIVATE);
    public static final Gfp __GFP_DIRECT_RECLAIM = new Gfp(Bits.DIRECT_RECLAIM);
    public static final Gfp __GFP_KSWAPD_RECLAIM = new Gfp(Bits.KSWAPD_RECLAIM);
    public static final Gfp __GFP_WRITE = new Gfp(Bits.WRITE);
    public static final Gfp __GFP_NOWARN = new Gfp(Bits.NOWARN);
    public static final Gfp __GFP_RETRY_MAYFAIL = new Gfp(Bits.RETRY_MAYFAIL);
    public static final Gfp __GFP_NOFAIL = new Gfp(Bits.NOFAIL);
    public static final Gfp __GFP_NORETRY = new Gfp(Bits.NORETRY);
    public static final Gfp __GFP_MEMALLOC = new Gfp(Bits.MEMALLOC);
    public static final Gfp __GFP_COMP = new Gfp(Bits.COMP);
    public static final Gfp __GFP_NOMEMALLOC = new Gfp(Bits.NOMEMALLOC);
    public static final Gfp __GFP_HARDWALL = new Gfp(Bits.HARDWALL);
    public static final Gfp __GFP_THISNODE = new Gfp(Bits.THISNODE);
    public static final Gfp __GFP_ACCOUNT = new Gfp(Bits.ACCOUNT);
    public static final Gfp __GFP_ZEROTAGS = new Gfp(Bits.ZEROTAGS);
    public static final Gfp __GFP_RECLAIM = new Gfp(Bits.RECLAIM);

    // Composites (gfp_types.h, 6.12).
    public static final Gfp GFP_ATOMIC = new Gfp(Bits.HIGH | Bits.KSWAPD_RECLAIM);
    public static final Gfp GFP_KERNEL = new Gfp(Bits.RECLAIM | Bits.IO | Bits.FS);
    public static final Gfp GFP_KERNEL_ACCOUNT = new Gfp(GFP_KERNEL.bits | Bits.ACCOUNT);
    /** Includes {@code __GFP_NOWARN} in 6.12; older kernels had KSWAPD_RECLAIM only. */
    public static final Gfp GFP_NOWAIT = new Gfp(Bits.KSWAPD_RECLAIM | Bits.NOWARN);
    public static final Gfp GFP_NOIO = new Gfp(Bits.RECLAIM);
    public static final Gfp GFP_NOFS = new Gfp(Bits.RECLAIM | Bits.IO);
    public static final Gfp GFP_USER = new Gfp(GFP_KERNEL.bits | Bits.HARDWALL);
    public static final Gfp GFP_DMA = new Gfp(Bits.DMA);
    public static final Gfp GFP_DMA32 = new Gfp(Bits.DMA32);
    public static final Gfp GFP_HIGHUSER = new Gfp(GFP_USER.bits | Bits.HIGHMEM);
    // __GFP_SKIP_KASAN is 0 without KASAN_HW_TAGS.
    public static final Gfp GFP_HIGHUSER_MOVABLE = new Gfp(GFP_HIGHUSER.bits | Bits.MOVABLE);
    public static final Gfp GFP_TRANSHUGE_LIGHT = new Gfp(
            (GFP_HIGHUSER_MOVABLE.bits | Bits.COMP | Bits.NOMEMALLOC | Bits.NOWARN) & ~Bits.RECLAIM);
    public static final Gfp GFP_TRANSHUGE = new Gfp(GFP_TRANSHUGE_LIGHT.bits | Bits.DIRECT_RECLAIM);
    /**
     * Private-nodes RFC: {@code __GFP_PRIVATE | __GFP_THISNODE}. Accepted by parse; not in the
     * print table.
     */
    public static final Gfp GFP_PRIVATE = new Gfp(Bits.PRIVATE | Bits.THISNODE);

    /** Every accepted name in a stable order: single bits, __GFP_RECLAIM, composites. */
    private static final Map<String, Gfp> BY_NAME = new LinkedHashMap<>();

    /** The show_gfp_flags table, in the kernel's order, plus __GFP_PRIVATE at the end. */
    private static final String[] PRINT_NAMES = {
        "GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE", "GFP_HIGHUSER", "GFP_USER",
        "GFP_KERNEL_ACCOUNT", "GFP_KERNEL", "GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO", "GFP_NOWAIT",
        "GFP_DMA", "__GFP_HIGHMEM", "GFP_DMA32", "__GFP_HIGH", "__GFP_IO", "__GFP_FS",
        "__GFP_NOWARN", "__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_COMP",
        "__GFP_ZERO", "__GFP_NOMEMALLOC", "__GFP_MEMALLOC", "__GFP_HARDWALL", "__GFP_THISNODE",
        "__GFP_RECLAIMABLE", "__GFP_MOVABLE", "__GFP_ACCOUNT", "__GFP_WRITE", "__GFP_RECLAIM",
        "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_ZEROTAGS", "__GFP_PRIVATE",
    };
    private static final int[] PRINT_MASKS = new int[PRINT_NAMES.length];

    /**
     * GFP_ZONE_TABLE indexed by the four zone bits; -1 marks the GFP_ZONE_BAD combinations.
     * HIGHMEM maps to NORMAL because x86-64 has no ZONE_HIGHMEM (OPT_ZONE_HIGHMEM).
     */
    private static final int[] ZONE_TABLE = new int[16];

    static {
        Object[][] named = {
            {"__GFP_DMA", __GFP_DMA}, {"__GFP_HIGHMEM", __GFP_HIGHMEM}, {"__GFP_DMA32", __GFP_DMA32},
            {"__GFP_MOVABLE", __GFP_MOVABLE}, {"__GFP_RECLAIMABLE", __GFP_RECLAIMABLE},
            {"__GFP_HIGH", __GFP_HIGH}, {"__GFP_IO", __GFP_IO}, {"__GFP_FS", __GFP_FS},
            {"__GFP_ZERO", __GFP_ZERO}, {"__GFP_PRIVATE", __GFP_PRIVATE},
            {"__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM},
            {"__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM}, {"__GFP_WRITE", __GFP_WRITE},
            {"__GFP_NOWARN", __GFP_NOWARN}, {"__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL},
            {"__GFP_NOFAIL", __GFP_NOFAIL}, {"__GFP_NORETRY", __GFP_NORETRY},
            {"__GFP_MEMALLOC", __GFP_MEMALLOC}, {"__GFP_COMP", __GFP_COMP},
            {"__GFP_NOMEMALLOC", __GFP_NOMEMALLOC}, {"__GFP_HARDWALL", __GFP_HARDWALL},
            {"__GFP_THISNODE", __GFP_THISNODE}, {"__GFP_ACCOUNT", __GFP_ACCOUNT},
            {"__GFP_ZEROTAGS", __GFP_ZEROTAGS}, {"__GFP_RECLAIM", __GFP_RECLAIM},
            {"GFP_ATOMIC", GFP_ATOMIC}, {"GFP_KERNEL", GFP_KERNEL},
            {"GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT}, {"GFP_NOWAIT", GFP_NOWAIT},
            {"GFP_NOIO", GFP_NOIO}, {"GFP_NOFS", GFP_NOFS}, {"GFP_USER", GFP_USER},
            {"GFP_DMA", GFP_DMA}, {"GFP_DMA32", GFP_DMA32}, {"GFP_HIGHUSER", GFP_HIGHUSER},
            {"GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE},
            {"GFP_TRANSHUGE_LIGHT", GFP_TRANSHUGE_LIGHT}, {"GFP_TRANSHUGE", GFP_TRANSHUGE},
            {"GFP_PRIVATE", GFP_PRIVATE},
        };
        for (Object[] e : named) {
            BY_NAME.put((String) e[0], (Gfp) e[1]);
        }
        for (int i = 0; i < PRINT_NAMES.length; i++) {
            PRINT_MASKS[i] = BY_NAME.get(PRINT_NAMES[i]).bits;
        }

        Arrays.fill(ZONE_TABLE, -1);
        int normal = ZoneType.NORMAL.ordinal();
        int dma = ZoneType.DMA.ordinal();
        int dma32 = ZoneType.DMA32.ordinal();
        ZONE_TABLE[0] = normal;
        ZONE_TABLE[Bits.DMA] = dma;
        ZONE_TABLE[Bits.HIGHMEM] = normal;
        ZONE_TABLE[Bits.DMA32] = dma32;
        ZONE_TABLE[Bits.MOVABLE] = normal;
        ZONE_TABLE[Bits.MOVABLE | Bits.DMA] = dma;
        ZONE_TABLE[Bits.MOVABLE | Bits.HIGHMEM] = ZoneType.MOVABLE.ordinal();
        ZONE_TABLE[Bits.MOVABLE | Bits.DMA32] = dma32;
    }

    private static final List<String> NAMES =
            Collections.unmodifiableList(new ArrayList<>(BY_NAME.keySet()));

    public static Gfp of(int bits) {
        return new Gfp(bits);
    }

    public Gfp or(Gfp o) {
        return new Gfp(bits | o.bits);
    }

    public Gfp without(Gfp o) {
        return new Gfp(bits & ~o.bits);
    }

    /** True when every bit of {@code flags} is set. */
    public boolean has(Gfp flags) {
        return (bits & flags.bits) == flags.bits;
    }

    /** True when at least one bit of {@code flags} is set. */
    public boolean hasAny(Gfp flags) {
        return (bits & flags.bits) != 0;
    }

    /**
     * {@code gfp_zone()}: index of the highest zone this mask may allocate from.
     *
     * @throws IllegalArgumentException for the zone-modifier combinations the kernel marks
     *     GFP_ZONE_BAD (more than one of DMA/DMA32/HIGHMEM)
     */
    public int zoneIndex() {
        int z = ZONE_TABLE[bits & Bits.ZONEMASK];
        if (z < 0) {
            throw new IllegalArgumentException(String.format(
                    "bad gfp_zone modifier combination 0x%x in gfp mask 0x%x (%s)",
                    bits & Bits.ZONEMASK, bits, this));
        }
        return z;
    }

    /** {@link #zoneIndex()} as a {@link ZoneType}. */
    public ZoneType zone() {
        return ZoneType.of(zoneIndex());
    }

    /**
     * {@code gfp_migratetype()}: 0 UNMOVABLE, 1 MOVABLE, 2 RECLAIMABLE.
     *
     * @throws IllegalArgumentException when both MOVABLE and RECLAIMABLE are set
     */
    public int migratetypeIndex() {
        int mt = (bits & Bits.MOVABLE_MASK) >>> 3;
        if (mt == 3) {
            // The kernel only VM_WARN_ONs here and would yield 3 (HIGHATOMIC).
            throw new IllegalArgumentException(String.format(
                    "gfp mask 0x%x (%s) has both __GFP_MOVABLE and __GFP_RECLAIMABLE", bits, this));
        }
        return mt;
    }

    /** {@link #migratetypeIndex()} as a {@link MigrateType}. */
    public MigrateType migratetype() {
        return MigrateType.of(migratetypeIndex());
    }

    /** {@code gfpflags_allow_blocking()}: the caller may sleep in direct reclaim. */
    public boolean allowsBlocking() {
        return (bits & Bits.DIRECT_RECLAIM) != 0;
    }

    /**
     * The kernel's {@code show_gfp_flags} rendering: table names whose bits are all still
     * present are taken in table order and their bits removed; leftovers follow as hex.
     */
    @Override
    public String toString() {
        if (bits == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        int rest = bits;
        for (int i = 0; i < PRINT_NAMES.length; i++) {
            int m = PRINT_MASKS[i];
            if ((rest & m) == m) {
                rest &= ~m;
                if (sb.length() > 0) {
                    sb.append('|');
                }
                sb.append(PRINT_NAMES[i]);
            }
        }
        if (rest != 0) {
            if (sb.length() > 0) {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(rest));
        }
        return sb.toString();
    }

    /**
     * Parses {@code |}-separated tokens: exact kernel flag or composite names, {@code 0x} hex,
     * unsigned decimal, or {@code none}. Whitespace around tokens is ignored.
     *
     * @throws IllegalArgumentException for blank text, an empty token, an unknown name or a
     *     number that does not fit 32 bits
     */
    public static Gfp parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty GFP mask");
        }
        int result = 0;
        for (String raw : text.split("\\|", -1)) {
            String tok = raw.strip();
            if (tok.isEmpty()) {
                throw new IllegalArgumentException("empty GFP token in '" + text + "'");
            }
            result |= parseToken(tok, text);
        }
        return new Gfp(result);
    }

    private static int parseToken(String tok, String text) {
        Gfp named = BY_NAME.get(tok);
        if (named != null) {
            return named.bits;
        }
        if (tok.equals("none")) {
            return 0;
        }
        boolean hex = tok.startsWith("0x") || tok.startsWith("0X");
        String digits = hex ? tok.substring(2) : tok;
        int radix = hex ? 16 : 10;
        if (isNumber(digits, radix)) {
            BigInteger v = new BigInteger(digits, radix);
            if (v.bitLength() > 32) {
                throw new IllegalArgumentException(
                        "GFP value '" + tok + "' in '" + text + "' does not fit 32 bits");
            }
            return v.intValue();
        }
        String hint = suggest(tok);
        throw new IllegalArgumentException("unknown GFP flag '" + tok + "' in '" + text + "'"
                + (hint == null ? "" : " (did you mean " + hint + "?)"));
    }

    private static boolean isNumber(String digits, int radix) {
        if (digits.isEmpty()) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c >= 0x80 || Character.digit(c, radix) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Closest known name: the same name ignoring case and the {@code __GFP_}/{@code GFP_} prefix,
     * else the shortest name it abbreviates, else the nearest by edit distance if close enough.
     */
    private static String suggest(String tok) {
        String up = tok.toUpperCase(Locale.ROOT);
        if (up.equals("NONE")) {
            return "none";
        }
        String core = core(up);
        for (String n : NAMES) {
            if (core(n).equals(core)) {
                return n;
            }
        }
        String best = null;
        if (core.length() >= 2) {
            for (String n : NAMES) {
                if (core(n).startsWith(core) && (best == null || n.length() < best.length())) {
                    best = n;
                }
            }
            if (best != null) {
                return best;
            }
        }
        int bestDist = Integer.MAX_VALUE;
        for (String n : NAMES) {
            int d = editDistance(up, n);
            if (d < bestDist) {
                bestDist = d;
                best = n;
            }
        }
        return bestDist <= Math.max(2, up.length() / 4) ? best : null;
    }

    private static String core(String upperName) {
        for (String p : new String[] {"__GFP_", "GFP_", "__"}) {
            if (upperName.startsWith(p)) {
                return upperName.substring(p.length());
            }
        }
        return upperName;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** All names {@link #parse(String)} accepts as flags (excluding {@code none}). */
    public static List<String> names() {
        return NAMES;
    }
}
