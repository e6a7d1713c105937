package org.mmproto.core.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as written in config files, in binary units only (like the kernel's {@code memparse}).
 *
 * <p>Accepted: plain bytes ({@code 4096}, {@code 1_048_576}, {@code 4096B}), hex bytes
 * ({@code 0x480000000}), and a whole number with a binary unit: {@code K}/{@code KiB},
 * {@code M}/{@code MiB}, {@code G}/{@code GiB}, {@code T}/{@code TiB}, {@code P}/{@code PiB},
 * {@code E}/{@code EiB} (letters in any case; a space before the unit is allowed). Rejected, with
 * a hint: decimal units ({@code 16GB}, {@code 512MB}, {@code 4kB} — ambiguous between 10^n and
 * 2^n), fractions ({@code 1.5GiB}; write {@code 1536MiB}), negative values and values above
 * 2^63-1. Unlike memparse, a leading 0 is not octal.
 */
public final class Sizes {
    public static final long KiB = 1L << 10;
    public static final long MiB = 1L << 20;
    public static final long GiB = 1L << 30;
    public static final long TiB = 1L << 40;

    private static final String UNITS = "KMGTPE";
    private static final String EXPECTED =
            "expected a size such as 4096, 4KiB, 512MiB, 16GiB or 1TiB (binary units K/KiB, M/MiB,"
                    + " G/GiB, T/TiB, P/PiB, E/EiB)";
    private static final Pattern DECIMAL =
            Pattern.compile("([0-9]+(?:_[0-9]+)*)(?:\\.([0-9]+(?:_[0-9]+)*))?\\s*([A-Za-z]*)");
    private static final Pattern HEX = Pattern.compile("0[xX]([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)");

    private Sizes() {
    }

    /**
     * Parses a size in bytes.
     *
     * @throws IllegalArgumentException saying what was wrong and what is expected
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty size; " + EXPECTED);
        }
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("size '" + t + "' is negative; " + EXPECTED);
        }
        Matcher hex = HEX.matcher(t);
        if (hex.matches()) {
            return checkRange(t, new BigInteger(hex.group(1).replace("_", ""), 16));
        }
        Matcher m = DECIMAL.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a size; " + EXPECTED);
        }
        String whole = m.group(1).replace("_", "");
        String fraction = m.group(2) == null ? null : m.group(2).replace("_", "");
        int shift = unitShift(t, whole, fraction, m.group(3));
        if (fraction == null) {
            return checkRange(t, new BigInteger(whole).shiftLeft(shift));
        }
        BigDecimal bytes = new BigDecimal(whole + "." + fraction)
                .multiply(new BigDecimal(BigInteger.ONE.shiftLeft(shift)));
        BigInteger exact;
        try {
            exact = bytes.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + t + "' is not a whole number of bytes; "
                    + EXPECTED);
        }
        String hint = exact.bitLength() < 64 ? "; write " + format(exact.longValue()) : "";
        throw new IllegalArgumentException("'" + t + "': fractions are not accepted" + hint
                + "; " + EXPECTED);
    }

    private static int unitShift(String text, String whole, String fraction, String unit) {
        if (unit.isEmpty() || unit.equalsIgnoreCase("b")) {
            return 0;
        }
        int idx = UNITS.indexOf(Character.toUpperCase(unit.charAt(0)));
        String rest = unit.substring(1);
        if (idx >= 0 && (rest.isEmpty() || rest.equalsIgnoreCase("ib"))) {
            return 10 * (idx + 1);
        }
        if (idx >= 0 && rest.equalsIgnoreCase("b")) {
            String number = fraction == null ? whole : whole + "." + fraction;
            throw new IllegalArgumentException("'" + text + "': decimal units are ambiguous"
                    + " (10^" + 3 * (idx + 1) + " or 2^" + 10 * (idx + 1) + "?); did you mean "
                    + number + UNITS.charAt(idx) + "iB? Sizes use binary units: K/KiB, M/MiB,"
                    + " G/GiB, T/TiB");
        }
        throw new IllegalArgumentException("unknown unit '" + unit + "' in '" + text + "'; "
                + EXPECTED);
    }

    private static long checkRange(String text, BigInteger bytes) {
        if (bytes.bitLength() >= 64) {
            throw new IllegalArgumentException("size '" + text + "' is too large; the maximum is"
                    + " 2^63-1 bytes (just under 8EiB)");
        }
        return bytes.longValue();
    }

    /**
     * The shortest exact binary form: the largest unit that divides the size ({@code 16GiB},
     * {@code 1536MiB}, {@code 4KiB}), or plain bytes with a {@code B} suffix ({@code 4095B},
     * {@code 0B}). {@link #parse} reads every result back to the same value.
     */
    public static String format(long bytes) {
        if (bytes < 0) {
            return bytes == Long.MIN_VALUE ? "-8EiB" : "-" + format(-bytes);
        }
        if (bytes == 0) {
            return "0B";
        }
        for (int idx = UNITS.length() - 1; idx >= 0; idx--) {
            int shift = 10 * (idx + 1);
            if ((bytes & ((1L << shift) - 1)) == 0) {
                return (bytes >>> shift) + String.valueOf(UNITS.charAt(idx)) + "iB";
            }
        }
        return bytes + "B";
    }

    /** {@code 0x...} lower-case hex, for physical addresses in messages. */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value).toLowerCase(Locale.ROOT);
    }
}
