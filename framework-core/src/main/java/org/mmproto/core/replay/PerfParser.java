package org.mmproto.core.replay;

/**
 * {@code perf script} output of memory samples ({@code perf mem record}, then {@code perf script
 * -F comm,pid,tid,cpu,time,event,addr,ip,sym}): {@code COMM PID[/TID] [CPU] SECONDS: [PERIOD]
 * EVENT: DATA_ADDR ...}. The sample's data address is the first field after the event; an event
 * whose name has "store" in it (cpu/mem-stores/P, mem_inst_retired.all_stores) is a store, any
 * other a load. Each sample is one access at its time.
 */
public final class PerfParser implements AccessParser {
    private static final String EXPECTED = "a perf script sample 'COMM PID [CPU] SECONDS: [PERIOD] EVENT: ADDR ...'"
            + " (perf script -F comm,pid,tid,cpu,time,event,addr,ip,sym)";

    @Override
    public long replay(LineReader in, AccessSink to, long max) {
        long n = 0;
        String s;
        while (n < max && (s = in.next()) != null) {
            if (s.isBlank() || s.stripLeading().startsWith("#")) {
                continue;
            }
            String[] f = s.strip().split("\\s+");
            int t = -1;
            for (int i = 1; i < f.length; i++) {
                if (f[i].endsWith(":") && f[i].indexOf('.') > 0 && Character.isDigit(f[i].charAt(0))) {
                    t = i;
                    break;
                }
            }
            if (t < 0) {
                throw in.error(EXPECTED);
            }
            long ns;
            try {
                String sec = f[t].substring(0, f[t].length() - 1);
                int dot = sec.indexOf('.');
                String frac = (sec.substring(dot + 1) + "000000000").substring(0, 9);
                ns = Long.parseLong(sec.substring(0, dot)) * 1_000_000_000L + Long.parseLong(frac);
            } catch (NumberFormatException e) {
                throw in.error("a time SECONDS.FRACTION: in " + EXPECTED);
            }
            int ev = t + 1;
            if (ev < f.length && !f[ev].endsWith(":")) {
                ev++; // the period
            }
            if (ev >= f.length - 1 || !f[ev].endsWith(":")) {
                throw in.error("an event name ending in ':' then the data address, in " + EXPECTED);
            }
            String a = f[ev + 1];
            long addr;
            try {
                addr = Long.parseUnsignedLong(a.startsWith("0x") ? a.substring(2) : a, 16);
            } catch (NumberFormatException e) {
                throw in.error("a hex data address after the event '" + f[ev] + "' in " + EXPECTED);
            }
            to.access(addr, 1, f[ev].toLowerCase(java.util.Locale.ROOT).contains("store"), ns);
            n++;
        }
        return n;
    }
}
