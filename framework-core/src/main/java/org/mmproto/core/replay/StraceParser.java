package org.mmproto.core.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code strace -f -tt} output one event at a time: {@code PID HH:MM:SS.uuuuuu
 * name(args) = ret}, with the pid and the time each optional, {@code <unfinished ...>} lines
 * held per pid until their {@code <... name resumed>} line, {@code +++ exited +++} lines, and
 * signal lines ({@code --- SIG... ---}) skipped.
 */
public final class StraceParser {
    private static final String UNFINISHED = "<unfinished ...>";
    private final LineReader in;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    private long firstTimeUs = -1;
    private int firstPid = -1;

    private record Pending(String head, long line) {
    }

    public StraceParser(LineReader in) {
        this.in = in;
    }

    /** The next call or exit, or null at the end of the log. */
    public StraceEvent next() {
        String line;
        while ((line = in.next()) != null) {
            StraceEvent e = parse(line);
            if (e != null) {
                return e;
            }
        }
        return null; // calls still unfinished here were cut off with the log: see unfinished()
    }

    /** The pid of the log's first line (its first process), whatever the line holds; -1 before it. */
    public int firstPid() {
        return firstPid;
    }

    /** Pids with a call logged {@code <unfinished ...>} and not yet resumed, and the call name. */
    public Map<Integer, String> unfinished() {
        Map<Integer, String> m = new HashMap<>();
        pending.forEach((pid, p) -> m.put(pid, name(p.head)));
        return m;
    }

    /**
     * The calls logged {@code <unfinished ...>} and not yet resumed, oldest first: pid, the call as
     * far as it was logged (name and the arguments strace printed on entry) and its line. A
     * child's first line can come before its parent's {@code <... clone resumed> = PID}.
     */
    public List<Unfinished> pending() {
        List<Unfinished> out = new ArrayList<>();
        pending.forEach((pid, p) -> out.add(new Unfinished(pid, name(p.head), p.head, p.line)));
        return out;
    }

    /** A call of {@link #pending()}. */
    public record Unfinished(int pid, String name, String head, long line) {
    }

    private StraceEvent parse(String raw) {
        String s = raw.strip();
        if (s.isEmpty()) {
            return null;
        }
        int i = 0;
        int pid = 0;
        if (s.startsWith("[pid ")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw in.error("'[pid N]' (strace -f)");
            }
            pid = parseInt(s.substring(5, close).strip(), "a pid in '[pid N]'");
            i = close + 1;
        } else if (Character.isDigit(s.charAt(0)) && firstSpaceIsPid(s)) {
            int sp = s.indexOf(' ');
            pid = parseInt(s.substring(0, sp), "a pid");
            i = sp;
        }
        if (firstPid < 0) {
            firstPid = pid;
        }
        i = skipSpaces(s, i);
        long time = -1;
        if (i < s.length() && Character.isDigit(s.charAt(i))) {
            int sp = s.indexOf(' ', i);
            if (sp < 0) {
                throw in.error("'[PID] HH:MM:SS.uuuuuu name(args) = result' (strace -f -tt)");
            }
            time = parseTime(s.substring(i, sp));
            i = skipSpaces(s, sp);
        }
        String rest = s.substring(i);
        if (rest.startsWith("+++ ")) {
            if (!rest.endsWith("+++")) {
                throw in.error("'+++ exited with N +++' or '+++ killed by SIG... +++'");
            }
            return new StraceEvent.Exited(in.line(), pid, time, rest.substring(4, rest.length() - 3).strip());
        }
        if (rest.startsWith("--- ") || rest.startsWith("strace: ")) {
            return null; // a signal delivery, or strace's own message (Process N attached)
        }
        if (rest.startsWith("<... ")) {
            int end = rest.indexOf(" resumed>");
            if (end < 0) {
                throw in.error("'<... name resumed> rest of the call'");
            }
            String name = rest.substring(5, end);
            Pending p = pending.remove(pid);
            if (p == null || !name(p.head).equals(name)) {
                throw new TraceFormatException(in.file(), in.line(), "'<... " + name + " resumed>' of pid " + pid
                        + " has no '" + name + "(... <unfinished ...>' line of that pid before it"
                        + (p == null ? "" : " (pid " + pid + " left '" + name(p.head) + "' unfinished at line " + p.line + ")"));
            }
            rest = p.head + rest.substring(end + " resumed>".length());
        } else if (rest.endsWith(UNFINISHED)) {
            String head = rest.substring(0, rest.length() - UNFINISHED.length()).stripTrailing();
            if (name(head).isEmpty()) {
                throw in.error("'name(args <unfinished ...>'");
            }
            Pending old = pending.put(pid, new Pending(head, in.line()));
            if (old != null) {
                throw new TraceFormatException(in.file(), in.line(), "pid " + pid + " starts a second unfinished call while '"
                        + name(old.head) + "' of line " + old.line + " is not resumed");
            }
            return null;
        }
        return call(pid, time, rest);
    }

    private StraceEvent call(int pid, long time, String s) {
        String name = name(s);
        if (name.isEmpty() || s.length() <= name.length() || s.charAt(name.length()) != '(') {
            throw in.error("'name(args) = result' (strace -f -tt output)");
        }
        int close = matchingParen(s, name.length());
        if (close < 0) {
            throw in.error("a ')' closing the arguments of " + name);
        }
        List<String> args = splitArgs(s.substring(name.length() + 1, close));
        String tail = s.substring(close + 1).strip();
        if (!tail.startsWith("=")) {
            throw in.error("' = result' after " + name + "(...)");
        }
        String r = tail.substring(1).strip();
        int sp = r.indexOf(' ');
        String num = sp < 0 ? r : r.substring(0, sp);
        if (num.equals("?")) {
            return new StraceEvent.Call(in.line(), pid, time, name, args, 0, null, true, s);
        }
        long ret;
        try {
            ret = num.startsWith("0x") ? Long.parseUnsignedLong(num.substring(2), 16) : Long.parseLong(num);
        } catch (NumberFormatException e) {
            throw in.error("a return value (a number, 0x..., '-1 ENAME (text)' or '?') after '='");
        }
        String errno = null;
        if (ret == -1 && sp > 0) {
            String rest = r.substring(sp + 1).strip();
            int e = rest.indexOf(' ');
            errno = e < 0 ? rest : rest.substring(0, e);
            int code = ErrnoNames.number(errno);
            if (code < 0) {
                throw in.error("an errno name after '= -1' (ENOMEM, EINVAL, ...)");
            }
            ret = -code;
        }
        return new StraceEvent.Call(in.line(), pid, time, name, args, ret, errno, false, s);
    }

    private boolean firstSpaceIsPid(String s) {
        int sp = s.indexOf(' ');
        if (sp <= 0) {
            return false;
        }
        for (int j = 0; j < sp; j++) {
            if (!Character.isDigit(s.charAt(j))) {
                return false; // "13:31:07.1" is a time, "5887" a pid
            }
        }
        return true;
    }

    private int parseInt(String t, String what) {
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw in.error(what);
        }
    }

    /** HH:MM:SS.uuuuuu (-tt) or seconds.uuuuuu (-ttt), as microseconds since the log's first. */
    private long parseTime(String t) {
        long us;
        try {
            String[] hms = t.split(":");
            double sec;
            if (hms.length == 3) {
                sec = Integer.parseInt(hms[0]) * 3600.0 + Integer.parseInt(hms[1]) * 60.0 + Double.parseDouble(hms[2]);
            } else if (hms.length == 1) {
                sec = Double.parseDouble(t);
            } else {
                throw new NumberFormatException(t);
            }
            us = Math.round(sec * 1e6);
        } catch (NumberFormatException e) {
            throw in.error("a time HH:MM:SS.uuuuuu (strace -tt) after the pid");
        }
        if (firstTimeUs < 0) {
            firstTimeUs = us;
        }
        long rel = us - firstTimeUs;
        return rel < 0 ? rel + 86_400_000_000L : rel; // past midnight
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static String name(String s) {
        int i = 0;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return s.substring(0, i);
    }

    /** The index of the ')' matching the '(' at {@code open}, outside strings and brackets; -1 if none. */
    static int matchingParen(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                if (depth == 0) {
                    return c == ')' ? i : -1;
                }
            }
        }
        return -1;
    }

    /** Arguments split at commas outside strings, brackets, braces and parentheses. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i).strip());
                start = i + 1;
            }
        }
        String last = s.substring(start).strip();
        if (!last.isEmpty() || !out.isEmpty()) {
            out.add(last);
        }
        return out;
    }
}
