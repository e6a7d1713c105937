package org.mmproto.core.replay;

/**
 * valgrind {@code --tool=lackey --trace-mem=yes} output: {@code I  addr,size} (instruction
 * fetch), {@code  L addr,size} (load), {@code  S addr,size} (store), {@code  M addr,size}
 * (modify: a load and a store), addresses in hex; valgrind's own {@code ==pid==} lines are
 * skipped; anything but spaces after the size is an error. The trace carries no time: each
 * record counts {@code nsPerRecord} of trace time.
 */
public final class LackeyParser implements AccessParser {
    private final long nsPerRecord;

    public LackeyParser(long nsPerRecord) {
        this.nsPerRecord = nsPerRecord;
    }

    @Override
    public long replay(LineReader in, AccessSink to, long max) {
        long n = 0;
        while (n < max && in.nextLine()) {
            byte[] s = in.bytes(); // the line in place: no String per record
            int i = in.lineStart();
            int len = in.lineEnd();
            if (i == len || s[i] == '=' && i + 1 < len && s[i + 1] == '=' || s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
                continue; // valgrind's own ==pid== and --pid-- lines
            }
            int kind;
            if (s[i] == 'I') {
                kind = 'I';
                i += 1;
            } else if (len - i > 2 && s[i] == ' ' && isAccess(s[i + 1])) {
                kind = s[i + 1];
                i += 2;
            } else {
                throw in.error("a lackey record 'I  addr,size', ' L addr,size', ' S addr,size' or ' M addr,size'");
            }
            while (i < len && s[i] == ' ') {
                i++;
            }
            long addr = 0;
            int start = i;
            for (; i < len && s[i] != ','; i++) {
                int d = hex(s[i]);
                if (d < 0) {
                    throw in.error("a hex address then ',size' in a lackey record");
                }
                addr = (addr << 4) | d;
            }
            if (i == start || i >= len || i - start > 16) {
                throw in.error("'addr,size' (hex address, decimal size) in a lackey record");
            }
            int size = 0;
            int sizeStart = ++i;
            for (; i < len && s[i] != ' '; i++) {
                int c = s[i];
                if (c < '0' || c > '9' || i - sizeStart > 6) {
                    throw in.error("a decimal access size after ',' in a lackey record");
                }
                size = size * 10 + (c - '0');
            }
            if (i == sizeStart) {
                throw in.error("a decimal access size after ',' in a lackey record");
            }
            while (i < len && s[i] == ' ') {
                i++;
            }
            if (i < len) {
                throw in.error("the end of the lackey record after its size (nothing but spaces may follow)");
            }
            long ns = n * nsPerRecord;
            if (kind == 'M') {
                to.access(addr, size, false, ns);
                to.access(addr, size, true, ns);
            } else {
                to.access(addr, size, kind == 'S', ns);
            }
            n++;
        }
        return n;
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static boolean isAccess(int c) {
        return c == 'L' || c == 'S' || c == 'M';
    }
}
