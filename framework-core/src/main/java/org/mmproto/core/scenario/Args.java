package org.mmproto.core.scenario;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.mmproto.api.NodeMask;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.policy.UserMask;

/**
 * Syscall argument values as a scenario writes them, before the run binds mapping names to
 * addresses. Every value a C caller could pass is expressible, including invalid ones (unaligned
 * addresses, lengths that overflow, nodemask bits above MAX_NUMNODES, an unreadable pointer).
 */
public final class Args {
    /** Mapping, memfd, task and allocation names: identifiers, so that {@code buf+4KiB} is unambiguous. */
    static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]+(_[0-9a-fA-F]+)*");
    private static final Pattern DEC = Pattern.compile("[0-9]+(_[0-9]+)*");
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private Args() {
    }

    /**
     * A user address: an optional mapping name plus a byte offset ({@code buf}, {@code buf+4KiB},
     * {@code buf-1}, {@code 0x7f0000000000}, {@code 0}). Arithmetic wraps at 64 bits, as in C.
     *
     * @param mapping the mapping whose start address is the base, or null for an absolute address
     * @param offset  added to the base (or the absolute value)
     * @param text    the expression as written, for reports
     */
    public record Addr(String mapping, long offset, String text) {
        public static Addr absolute(long value) {
            return new Addr(null, value, "0x" + Long.toHexString(value));
        }

        /** True for a bare mapping name ({@code buf}), whose length can stand in for an omitted length. */
        public boolean isBareMapping() {
            return mapping != null && offset == 0;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A length or size argument (size_t): the value passed and the text written. */
    public record Len(long value, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * A {@code const unsigned long *nodemask} argument: NULL, an unreadable pointer, or words
     * (bit n of word n/64 = node n).
     */
    public record MaskArg(Kind kind, long[] words, String text) {
        /** What the pointer is. */
        public enum Kind { NULL, FAULT, WORDS }

        public static final MaskArg NULL = new MaskArg(Kind.NULL, null, "NULL");

        /**
         * The pointer as the syscall receives it. The buffer is zero-padded to cover
         * {@code maxnode - 1} bits (capped just past the kernel's PAGE_SIZE * 8 limit), as a C
         * caller's buffer would be, so the kernel never reads past what the scenario wrote.
         */
        public UserMask toUserMask(long maxnode) {
            return switch (kind) {
                case NULL -> UserMask.NULL;
                case FAULT -> UserMask.bad();
                case WORDS -> {
                    long bits = Math.min(Math.max(0, maxnode - 1), 4096L * 8 + 64);
                    int need = (int) ((bits + 63) / 64);
                    yield UserMask.of(need > words.length ? Arrays.copyOf(words, need) : words);
                }
            };
        }

        /** The maxnode a C caller would naturally pass: 1 + the bits of the words (65 for one word); 0 for NULL. */
        public long defaultMaxnode() {
            return switch (kind) {
                case NULL -> 0;
                case FAULT -> 65;
                case WORDS -> 64L * Math.max(1, words.length) + 1;
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MaskArg m && kind == m.kind && Arrays.equals(words, m.words);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Arrays.hashCode(words);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A pid argument: 0 (the caller), a task by name, or a raw number (which may name no task). */
    public record PidRef(String task, long number) {
        public static final PidRef SELF = new PidRef(null, 0);

        @Override
        public String toString() {
            return task != null ? task : Long.toString(number);
        }
    }

    // ---- parsing -------------------------------------------------------------------------------

    /**
     * Parses an address expression: terms joined by {@code +} and {@code -}; each term a number
     * (decimal, {@code 0x} hex up to 64 bits) or a size ({@code 4KiB}); the first term may be a
     * mapping name.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Addr parseAddr(String text) {
        return parseExpr(text, true);
    }

    /** A length: like an address but without names; a leading {@code -} gives the two's complement. */
    public static Len parseLen(String text) {
        Addr a = parseExpr(text, false);
        return new Len(a.offset(), a.text());
    }

    private static Addr parseExpr(String text, boolean allowName) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty value; expected " + (allowName ? ADDR_FORMS : LEN_FORMS));
        }
        String mapping = null;
        long total = 0;
        int i = 0;
        int sign = 1;
        boolean first = true;
        if (t.charAt(0) == '-' || t.charAt(0) == '+') {
            sign = t.charAt(0) == '-' ? -1 : 1;
            i = 1;
        }
        while (true) {
            int j = i;
            while (j < t.length() && t.charAt(j) != '+' && t.charAt(j) != '-') {
                j++;
            }
            String term = t.substring(i, j).strip();
            if (term.isEmpty()) {
                throw new IllegalArgumentException("'" + t + "': missing a term around '+'/'-'; expected "
                        + (allowName ? ADDR_FORMS : LEN_FORMS));
            }
            if (Character.isLetter(term.charAt(0)) || term.charAt(0) == '_') {
                if (!allowName) {
                    throw new IllegalArgumentException("'" + t + "': '" + term + "' is not a number or size; expected "
                            + LEN_FORMS);
                }
                if (!first || sign < 0) {
                    throw new IllegalArgumentException("'" + t + "': a mapping name may only come first, as in"
                            + " buf+4KiB");
                }
                if (!IDENT.matcher(term).matches()) {
                    throw new IllegalArgumentException("'" + t + "': '" + term + "' is not a mapping name"
                            + " (letters, digits and _) nor a number; expected " + ADDR_FORMS);
                }
                mapping = term;
            } else {
                total += sign * number(term, t);
            }
            first = false;
            if (j >= t.length()) {
                break;
            }
            sign = t.charAt(j) == '-' ? -1 : 1;
            i = j + 1;
        }
        return new Addr(mapping, total, t);
    }

    static final String ADDR_FORMS = "an address: a mapping name (buf), buf+OFFSET, buf-OFFSET, or a number"
            + " (0x7f0000000000, 4096)";
    static final String LEN_FORMS = "a length: bytes (4096, 0x1000) or a size (4KiB, 2MiB), optionally"
            + " with + and - terms (4MiB-1)";

    /** A non-negative number: decimal, 0x hex (64 bits, wrapping past 2^63), or a size with a binary unit. */
    static long number(String term, String whole) {
        String s = term.strip();
        if (HEX.matcher(s).matches()) {
            BigInteger v = new BigInteger(s.substring(2).replace("_", ""), 16);
            if (v.compareTo(TWO_64) >= 0) {
                throw new IllegalArgumentException("'" + s + "' in '" + whole + "' does not fit 64 bits");
            }
            return v.longValue();
        }
        if (DEC.matcher(s).matches()) {
            BigInteger v = new BigInteger(s.replace("_", ""));
            if (v.compareTo(TWO_64) >= 0) {
                throw new IllegalArgumentException("'" + s + "' in '" + whole + "' does not fit 64 bits");
            }
            return v.longValue();
        }
        try {
            return Sizes.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + s + "' in '" + whole + "': " + e.getMessage());
        }
    }

    /** Max node id a list may name: bits up to 64 words, so bits above MAX_NUMNODES can be written. */
    public static final int MAX_LIST_BIT = 64 * 64 - 1;

    /**
     * A nodemask written as a numactl list ({@code 0-1,3}, {@code ""} for an empty mask); bits above
     * MAX_NUMNODES are allowed (up to {@link #MAX_LIST_BIT}) so the EINVAL case can be written.
     */
    public static MaskArg parseMaskList(String text) {
        int[] ids = NodeMask.parseList(text, MAX_LIST_BIT);
        int last = ids.length == 0 ? 0 : ids[ids.length - 1];
        long[] words = new long[last / 64 + 1];
        for (int id : ids) {
            words[id >>> 6] |= 1L << id;
        }
        String shown = text.strip().isEmpty() ? "\"\"" : NodeMask.formatList(ids);
        return new MaskArg(MaskArg.Kind.WORDS, words, shown);
    }

    /** The nodes of mask words as a numactl list ({@code 0-1}); "" for none. */
    public static String formatWords(long[] words) {
        if (words == null) {
            return "";
        }
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        int[] ids = new int[n];
        int k = 0;
        for (int wi = 0; wi < words.length; wi++) {
            long w = words[wi];
            while (w != 0) {
                int b = Long.numberOfTrailingZeros(w);
                ids[k++] = wi * 64 + b;
                w &= w - 1;
            }
        }
        return NodeMask.formatList(ids);
    }
}
