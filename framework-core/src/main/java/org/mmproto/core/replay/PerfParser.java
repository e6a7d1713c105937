package org.mmproto.core.replay;

/**
 * {@code perf script} output of memory samples ({@code perf mem record}, then {@code perf script
 * -F comm,pid,tid,cpu,time,event,addr,ip,sym}): {@code COMM PID[/TID] [CPU] SECONDS: [PERIOD]
 * EVENT: DATA_ADDR ...}. The sample's data address is the first field after the event; an event
 * whose name has "store" in it (cpu/mem-stores/P, mem_inst_retired.all_stores) is a store, any
 * other a load. Each sample is one access at its time.
 *
 * <p>Also {@code perf mem report -D} (the raw samples): {@code PID TID 0xIP 0xADDR [0xPHYS]
 * [PAGE SIZE] WEIGHT 0xDSRC DSO:SYMBOL}, blank- or {@code -x}-separated; the access is a store
 * when the data source's mem_op bits (PERF_MEM_OP_STORE, 0x4) say so. These lines carry no time:
 * each sample counts {@link #RAW_NS_PER_SAMPLE} of trace time.
 */
public final class PerfParser implements AccessParser {
    /** Trace time a {@code perf mem report -D} sample stands for. */
    public static final long RAW_NS_PER_SAMPLE = 1000;
    private static final long PERF_MEM_OP_STORE = 0x4;
    private static final java.util.regex.Pattern RAW = java.util.regex.Pattern.compile(
            "^\\s*[0-9]+\\s*[,\\s]\\s*[0-9]+\\s*[,\\s]\\s*0x[0-9a-fA-F]+\\s*[,\\s]\\s*0x[0-9a-fA-F]+([,\\s].*)?$");
    private static final String RAW_EXPECTED = "a perf mem report -D sample 'PID TID 0xIP 0xADDR [0xPHYS] [PAGE SIZE]"
            + " WEIGHT 0xDSRC SYMBOL'";
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
            if (RAW.matcher(s).matches()) {
                raw(in, s, to, n * RAW_NS_PER_SAMPLE);
                n++;
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

    /** One {@code perf mem report -D} sample: the data address, and the data source's mem_op. */
    private static void raw(LineReader in, String s, AccessSink to, long ns) {
        String[] f = s.strip().split("\\s*,\\s*|\\s+");
        int w = 4;
        while (w < f.length && !f[w].chars().allMatch(Character::isDigit)) {
            w++; // past PHYS ADDR (0x...) and DATA PAGE SIZE (4K, 2M) when they were asked for
        }
        if (w + 1 >= f.length || f[w].isEmpty() || !f[w + 1].startsWith("0x")) {
            throw in.error("LOCAL WEIGHT then 0xDSRC after the address in " + RAW_EXPECTED);
        }
        long addr;
        long dsrc;
        try {
            addr = Long.parseUnsignedLong(f[3].substring(2), 16);
            dsrc = Long.parseUnsignedLong(f[w + 1].substring(2), 16);
        } catch (NumberFormatException e) {
            throw in.error("hex ADDR and DSRC in " + RAW_EXPECTED);
        }
        to.access(addr, 1, (dsrc & PERF_MEM_OP_STORE) != 0, ns);
    }
}
