import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a synthetic valgrind lackey trace of exactly BYTES bytes to stdout, generated as it is
 * written (nothing is kept): 16-byte records "I  %010x,N", " L ...", " S ...", " M ..." (60 %
 * instruction fetches in 64 KiB of code, 25 % loads, 10 % stores, 5 % modifies; data accesses
 * 90 % in a hot HOT_MIB and 10 % anywhere in WSS_MIB), seeded xorshift so runs repeat.
 * Usage: java scripts/LackeyGen.java BYTES [WSS_MIB] [HOT_MIB] [SEED]
 */
public final class LackeyGen {
    private static final int LINE = 16;
    private static final long CODE = 0x0000400000L;
    private static final long DATA = 0x0010000000L;
    private static final byte[] HEX = "0123456789abcdef".getBytes();

    public static void main(String[] a) throws IOException {
        long bytes = Long.parseLong(a[0]);
        long wss = (a.length > 1 ? Long.parseLong(a[1]) : 1536) << 20;
        long hot = (a.length > 2 ? Long.parseLong(a[2]) : 64) << 20;
        long x = a.length > 3 ? Long.parseLong(a[3]) : 0x9E3779B97F4A7C15L;
        if (bytes % LINE != 0) {
            throw new IllegalArgumentException("BYTES must be a multiple of " + LINE);
        }
        byte[] buf = new byte[LINE << 16];
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        long records = bytes / LINE;
        int p = 0;
        for (long r = 0; r < records; r++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            int kind = (int) ((x >>> 1) % 100);
            long addr;
            int size;
            if (kind < 60) {
                buf[p] = 'I';
                buf[p + 1] = ' ';
                addr = CODE + ((x >>> 8) & 0xffff);
                size = 1 + (int) ((x >>> 40) % 9);
            } else {
                buf[p] = ' ';
                buf[p + 1] = (byte) (kind < 85 ? 'L' : kind < 95 ? 'S' : 'M');
                long off = (x >>> 24) % 10 == 0 ? (x >>> 8) % wss : (x >>> 8) % hot;
                size = 1 << (int) ((x >>> 44) & 3);
                addr = DATA + (off & -size);
            }
            buf[p + 2] = ' ';
            for (int i = 0; i < 10; i++) {
                buf[p + 3 + i] = HEX[(int) (addr >>> (4 * (9 - i))) & 0xf];
            }
            buf[p + 13] = ',';
            buf[p + 14] = (byte) ('0' + size);
            buf[p + 15] = '\n';
            p += LINE;
            if (p == buf.length) {
                out.write(buf, 0, p);
                p = 0;
            }
        }
        out.write(buf, 0, p);
        out.flush();
    }
}
