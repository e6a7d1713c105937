package org.mmproto.core.scenario;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mmproto.api.Errno;
import org.mmproto.core.config.Sizes;
import org.mmproto.core.config.Suggestions;

/**
 * What a scenario expects, and how an expected value is compared with what happened.
 *
 * <p>An {@link Expectation} is the {@code expect:} of one step: a list of {@link Item}s, each a
 * {@link Probe} (what to read: the step's result, a counter, a node's usage, ...) and an
 * {@link Expected} value; {@code perDesign} holds per-design expectations
 * ({@code expect: {ops-struct: ok, gfp-flag: ENOMEM, others: ok}}).
 *
 * <p>Why one file of ~490 lines: it is the expectation vocabulary, two sealed hierarchies of
 * records a few lines each (what is read, what is expected) with the parsing and printing of
 * expected values they share; {@link ExpectationParser} reads {@code expect:} blocks into these
 * and {@link ExpectationEvaluator} compares them, so no op or probe logic lives here.
 */
public final class Expectations {
    private Expectations() {
    }

    /**
     * Keys of per-design expectations: the built-in designs and {@code others} (every design the
     * block does not name, plugin designs included). A block that names designs must name the run's
     * design or have {@code others:}; the runner refuses it otherwise.
     */
    public static final Set<String> DESIGN_NAMES = ordered("unpatched", "ops-struct", "gfp-flag", "buddy-veto",
            "fallback-only", "memalloc-scope", "zonelist-private", "others");

    /** The privacy invariants a {@code breaches:} expectation names, as YAML keys. */
    public static final Set<String> BREACH_KINDS = ordered("leak", "escape", "unsafe_write", "unnotified_free");

    /** An immutable set in the given order (error messages list it; Set.of's order varies per JVM). */
    private static Set<String> ordered(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }

    /** One {@code expect:} block. */
    public record Expectation(int line, List<Item> items, boolean hasResult, Map<String, Expectation> perDesign) {
        public Expectation {
            items = List.copyOf(items);
            perDesign = Map.copyOf(perDesign);
        }
    }

    /** One compared value; {@code line} is where it is written. */
    public record Item(int line, Probe probe, Expected expected) {
    }

    // ---- probes: what is read ---------------------------------------------------------------

    /** What an expectation item reads after its step. */
    public sealed interface Probe {
        String describe();
    }

    /** The step's return value (ok / errno / a count). */
    public record Result() implements Probe {
        @Override
        public String describe() {
            return "result";
        }
    }

    /** An op-specific output: {@code status} of move_pages, {@code mode} of get_mempolicy, ... */
    public record Field(String name) implements Probe {
        @Override
        public String describe() {
            return name;
        }
    }

    /** How a counter is read: absolute now, change since the run began, change made by this step. */
    public enum Scope {
        ABSOLUTE("vmstat"), DELTA("vmstat_delta"), STEP("vmstat_step");

        final String key;

        Scope(String key) {
            this.key = key;
        }
    }

    /** A /proc/vmstat counter summed over nodes. */
    public record Vmstat(String key, Scope scope) implements Probe {
        @Override
        public String describe() {
            return scope.key + "." + key;
        }
    }

    /** A per-node value: total_pages, free_pages, used_pages, or a vmstat item of the node; {@code delta} = change since the run began. */
    public record NodeValue(int nid, String key, boolean delta) implements Probe {
        @Override
        public String describe() {
            return "nodes." + nid + "." + key + (delta ? "_delta" : "");
        }
    }

    /**
     * Pages of a task's range: {@code pages} (present, not the zero page), {@code zero_pages},
     * {@code huge_pages} (PMD-mapped), or {@code node} = pages on node {@code nid}.
     */
    public record Resident(String task, Args.Addr addr, Args.Len length, String what, int nid) implements Probe {
        @Override
        public String describe() {
            return "resident(" + task + " " + addr + " " + length + ")." + (what.equals("node") ? "nodes." + nid : what);
        }
    }

    /** A per-task value: {@code rss_pages}, {@code exited}, {@code uid}, {@code pid}. */
    public record TaskValue(String task, String key) implements Probe {
        @Override
        public String describe() {
            return "tasks." + task + "." + key;
        }
    }

    /**
     * Privacy breaches of one kind ({@code leak}, {@code escape}, {@code unsafe_write},
     * {@code unnotified_free}): those the step caused, or on a standalone {@code expect:} step
     * those of the whole run so far. Naming a kind is what makes its breaches expected: a breach
     * no expectation names fails the run.
     */
    public record Breaches(String kind) implements Probe {
        @Override
        public String describe() {
            return "breaches." + kind;
        }

        /** The kind as the privacy ledger names it ("unsafe write"). */
        public String ledgerKind() {
            return kind.replace('_', ' ');
        }
    }

    /**
     * A value the node's driver reported (CONTRACT R1.6, R1.7, R1.9): {@code pressure},
     * {@code capacity_pages}, {@code promotion_requests} or one of its statistics; null (a failed
     * expectation) when no driver is bound or it never reported the statistic.
     */
    public record DriverValue(int nid, String key) implements Probe {
        @Override
        public String describe() {
            return "driver." + nid + "." + key;
        }
    }

    /** Driver calls of one hook ({@code free_folio}, {@code alloc_veto}, ...) over the run so far, all sites. */
    public record HookCalls(String hook) implements Probe {
        @Override
        public String describe() {
            return "hooks." + hook;
        }
    }

    // ---- expected values --------------------------------------------------------------------

    /** An expected value. Actual values are Long, String, Boolean, List or null. */
    public sealed interface Expected {
        boolean test(Object actual);

        String describe();
    }

    /** Anything: {@code any}. */
    public record Any() implements Expected {
        @Override
        public boolean test(Object actual) {
            return true;
        }

        @Override
        public String describe() {
            return "any";
        }
    }

    /** A successful return (not a -errno). */
    public record Ok() implements Expected {
        @Override
        public boolean test(Object actual) {
            return actual instanceof Long v && !isErrno(v);
        }

        @Override
        public String describe() {
            return "ok";
        }
    }

    /** Any -errno: {@code error}. */
    public record AnyError() implements Expected {
        @Override
        public boolean test(Object actual) {
            return actual instanceof Long v && isErrno(v);
        }

        @Override
        public String describe() {
            return "an error";
        }
    }

    /** This errno. */
    public record IsErrno(Errno errno) implements Expected {
        @Override
        public boolean test(Object actual) {
            return actual instanceof Long v && v == -errno.code();
        }

        @Override
        public String describe() {
            return errno.name();
        }
    }

    /** A number compared with {@code op} ({@code == != < <= > >=}) or within {@code [value, high]} ({@code ..}). */
    public record Compare(String op, long value, long high) implements Expected {
        public static Compare eq(long v) {
            return new Compare("==", v, v);
        }

        @Override
        public boolean test(Object actual) {
            if (!(actual instanceof Long a)) {
                return false;
            }
            return switch (op) {
                case "==" -> a == value;
                case "!=" -> a != value;
                case "<" -> a < value;
                case "<=" -> a <= value;
                case ">" -> a > value;
                case ">=" -> a >= value;
                case ".." -> a >= value && a <= high;
                default -> throw new IllegalStateException(op);
            };
        }

        @Override
        public String describe() {
            return switch (op) {
                case "==" -> Long.toString(value);
                case ".." -> value + ".." + high;
                default -> op + " " + value;
            };
        }
    }

    /** Exact text (a canonical nodemask list, a mode name). */
    public record Text(String value) implements Expected {
        @Override
        public boolean test(Object actual) {
            return value.equals(actual);
        }

        @Override
        public String describe() {
            return "\"" + value + "\"";
        }
    }

    /** Text containing every one of the given strings (for {@code show} output). */
    public record Contains(List<String> parts) implements Expected {
        @Override
        public boolean test(Object actual) {
            if (!(actual instanceof String s)) {
                return false;
            }
            for (String p : parts) {
                if (!s.contains(p)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            return "text containing " + parts;
        }
    }

    /** true or false. */
    public record Bool(boolean value) implements Expected {
        @Override
        public boolean test(Object actual) {
            return actual instanceof Boolean b && b == value;
        }

        @Override
        public String describe() {
            return Boolean.toString(value);
        }
    }

    /** A move_pages status entry the kernel never wrote (its batch failed to migrate). */
    public record Unwritten() implements Expected {
        @Override
        public boolean test(Object actual) {
            return actual == null;
        }

        @Override
        public String describe() {
            return "unwritten";
        }
    }

    /** A list compared entry by entry (same length). */
    public record ListOf(List<Expected> entries) implements Expected {
        @Override
        public boolean test(Object actual) {
            if (!(actual instanceof List<?> l) || l.size() != entries.size()) {
                return false;
            }
            for (int i = 0; i < entries.size(); i++) {
                if (!entries.get(i).test(l.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String describe() {
            List<String> parts = new ArrayList<>();
            for (Expected e : entries) {
                parts.add(e instanceof Compare c && c.op().equals("==") && c.value() < 0 && isErrno(c.value())
                        ? "-" + errnoName(-c.value()) : e.describe());
            }
            return "[" + String.join(", ", parts) + "]";
        }
    }

    // ---- parsing of expected values -----------------------------------------------------------

    private static final Pattern CMP = Pattern.compile("(==|!=|<=|>=|<|>)?\\s*(.+)");
    private static final Pattern RANGE = Pattern.compile("(.+?)\\s*\\.\\.\\s*(.+)");

    /**
     * A numeric expectation: {@code 10}, {@code "== 10"}, {@code ">= 10"}, {@code "< 5"},
     * {@code "!= 0"}, {@code "10..20"}. With {@code pages}, sizes with a unit are converted to
     * 4 KiB pages ({@code ">= 4MiB"} = at least 1024 pages).
     *
     * @throws IllegalArgumentException saying what is expected
     */
    public static Compare parseCompare(String text, boolean pages) {
        String t = text.strip();
        Matcher r = RANGE.matcher(t);
        if (r.matches() && !t.startsWith("<") && !t.startsWith(">") && !t.startsWith("=") && !t.startsWith("!")) {
            long lo = numberOrErrno(r.group(1), pages, t);
            long hi = numberOrErrno(r.group(2), pages, t);
            if (lo > hi) {
                throw new IllegalArgumentException("empty range '" + t + "'; expected LOW..HIGH with LOW <= HIGH");
            }
            return new Compare("..", lo, hi);
        }
        Matcher m = CMP.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a comparison; " + COMPARE_FORMS);
        }
        String op = m.group(1) == null ? "==" : m.group(1);
        long v = numberOrErrno(m.group(2), pages, t);
        return new Compare(op, v, v);
    }

    static final String COMPARE_FORMS = "expected a number or a comparison such as 10, \">= 10\", \"< 5\","
            + " \"!= 0\" or \"10..20\"";

    private static long numberOrErrno(String s, boolean pages, String whole) {
        String t = s.strip();
        if (t.startsWith("-E")) {
            return -errno(t.substring(1)).code();
        }
        boolean neg = t.startsWith("-");
        String body = neg ? t.substring(1).strip() : t;
        long v;
        if (body.matches("0[xX][0-9a-fA-F_]+|[0-9][0-9_]*")) {
            v = Args.number(body, whole);
        } else if (!body.isEmpty() && Character.isDigit(body.charAt(0))) {
            long bytes = Sizes.parse(body);
            if (!pages) {
                v = bytes;
            } else {
                if (bytes % 4096 != 0) {
                    throw new IllegalArgumentException("'" + t + "' is not a whole number of 4KiB pages");
                }
                v = bytes / 4096;
            }
        } else {
            throw new IllegalArgumentException("'" + whole + "': '" + t + "' is not a number; " + COMPARE_FORMS);
        }
        return neg ? -v : v;
    }

    /** An errno by name ({@code EINVAL}), with a did-you-mean. */
    public static Errno errno(String name) {
        String n = name.strip();
        for (Errno e : Errno.values()) {
            if (e.name().equals(n)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (Errno e : Errno.values()) {
            names.add(e.name());
        }
        throw new IllegalArgumentException("unknown errno '" + n + "'" + Suggestions.didYouMean(n, names)
                + "; expected one of " + String.join(", ", names));
    }

    /**
     * A {@code result:} value: {@code ok}, {@code error}, {@code any}, an errno name
     * ({@code EINVAL} or {@code -EINVAL}), or a number/comparison on the raw return value.
     */
    public static Expected parseResult(String text) {
        String t = text.strip();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "ok":
                return new Ok();
            case "error":
                return new AnyError();
            case "any":
                return new Any();
            default:
                break;
        }
        if (t.matches("-?E[A-Z0-9]+")) {
            return new IsErrno(errno(t.startsWith("-") ? t.substring(1) : t));
        }
        if (t.matches("-?[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("'" + t + "' is not a result; expected ok, error, any, an errno name"
                    + " (EINVAL) or a number/comparison on the return value"
                    + Suggestions.didYouMean(t, List.of("ok", "error", "any")));
        }
        return parseCompare(t, false);
    }

    /**
     * A per-entry value of a status/landed list: a node id, {@code -EFAULT} (or {@code EFAULT}),
     * {@code unwritten}, {@code any}, or a comparison.
     */
    public static Expected parseEntry(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("unwritten")) {
            return new Unwritten();
        }
        if (t.equalsIgnoreCase("any")) {
            return new Any();
        }
        if (t.matches("-?E[A-Z0-9]+")) {
            return Compare.eq(-errno(t.startsWith("-") ? t.substring(1) : t).code());
        }
        return parseCompare(t, false);
    }

    // ---- rendering ----------------------------------------------------------------------------

    /** A -errno return: -4095..-1. */
    public static boolean isErrno(long v) {
        return v < 0 && v >= -4095;
    }

    /** EINVAL for 22, or {@code errno N} for numbers without a name here. */
    public static String errnoName(long code) {
        try {
            return Errno.fromCode((int) code).name();
        } catch (IllegalArgumentException e) {
            return "errno " + code;
        }
    }

    /** A raw syscall return as a report shows it: {@code ok} or the errno name. */
    public static String resultName(long raw) {
        return isErrno(raw) ? errnoName(-raw) : "ok";
    }

    /** An actual value for messages: errno names for -errno results, lists with -ENAME entries. */
    public static String describeActual(Probe probe, Object actual) {
        if (actual == null) {
            return "nothing";
        }
        if (probe instanceof Result && actual instanceof Long v) {
            return isErrno(v) ? errnoName(-v) : v == 0 ? "ok" : "ok (" + v + ")";
        }
        if (actual instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(o == null ? "unwritten" : o instanceof Long v && isErrno(v) ? "-" + errnoName(-v)
                        : String.valueOf(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        if (actual instanceof String s) {
            return s.contains("\n") ? "text:\n" + s : "\"" + s + "\"";
        }
        return String.valueOf(actual);
    }
}
