#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/mman.h>
#include <fcntl.h>
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#define SZ (2UL << 20)

static long vmstat(const char *key) {
    FILE *f = fopen("/proc/vmstat", "r"); char k[128]; long v, r = -1;
    while (fscanf(f, "%127s %ld", k, &v) == 2) if (!strcmp(k, key)) r = v;
    fclose(f); return r;
}
static void wr(const char *path, const char *v) {
    int fd = open(path, O_WRONLY); if (fd < 0 || write(fd, v, strlen(v)) < 0) printf("write %s failed: %s\n", path, strerror(errno)); close(fd);
}
static long rd(const char *path) { FILE *f = fopen(path, "r"); long v = -1; if (f) { fscanf(f, "%ld", &v); fclose(f);} return v; }
static long smaps_ahp(void *addr) {
    FILE *f = fopen("/proc/self/smaps", "r"); char line[256]; int in = 0; long r = -1;
    unsigned long a = (unsigned long)addr;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') == line + strcspn(line, "-")) { in = (a >= s && a < e); continue; }
        if (in && !strncmp(line, "AnonHugePages:", 14)) sscanf(line + 14, "%ld", &r);
    }
    fclose(f); return r;
}
static void *aligned(void) {
    char *p = mmap(NULL, 4 * SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a = (char *)((((unsigned long)p + SZ - 1) & ~(SZ - 1)) + SZ);
    munmap(p, a - p); munmap(a + SZ, p + 4 * SZ - (a + SZ)); /* holes on both sides: no VMA merge */
    return a;
}
#define KH "/sys/kernel/mm/transparent_hugepage/khugepaged/"
static void node_ahp(void) {
    char cmd[] = "grep AnonHugePages /sys/devices/system/node/node0/meminfo /proc/meminfo";
    system(cmd);
}
int main(void) {
    wr("/sys/kernel/mm/transparent_hugepage/enabled", "never");
    printf("defaults: max_ptes_none=%ld max_ptes_swap=%ld max_ptes_shared=%ld pages_to_scan=%ld scan_sleep_millisecs=%ld alloc_sleep_millisecs=%ld defrag=%ld pages_collapsed=%ld full_scans=%ld\n",
        rd(KH "max_ptes_none"), rd(KH "max_ptes_swap"), rd(KH "max_ptes_shared"), rd(KH "pages_to_scan"),
        rd(KH "scan_sleep_millisecs"), rd(KH "alloc_sleep_millisecs"), rd(KH "defrag"), rd(KH "pages_collapsed"), rd(KH "full_scans"));
    /* 1: MADV_COLLAPSE of 512 touched pages, enabled=never */
    char *a = aligned(); memset(a, 1, SZ);
    long c0 = vmstat("thp_collapse_alloc"), f0 = vmstat("thp_collapse_alloc_failed");
    printf("1 before: AnonHugePages=%ld kB thp_collapse_alloc=%ld\n", smaps_ahp(a), c0);
    int r = madvise(a, SZ, MADV_COLLAPSE); int en = r ? errno : 0;
    printf("1 MADV_COLLAPSE touched (enabled=never): rc=%d errno=%d ahp=%ld kB collapse_alloc+%ld failed+%ld nr_anon_thp=%ld\n", r, en, smaps_ahp(a),
        vmstat("thp_collapse_alloc") - c0, vmstat("thp_collapse_alloc_failed") - f0, vmstat("nr_anon_transparent_hugepages"));
    node_ahp();
    /* 2: again on the same (already PMD-mapped) range */
    r = madvise(a, SZ, MADV_COLLAPSE); en = r ? errno : 0;
    printf("2 MADV_COLLAPSE again: rc=%d errno=%d collapse_alloc+%ld\n", r, en, vmstat("thp_collapse_alloc") - c0);
    /* 3: untouched range */
    char *b = aligned(); c0 = vmstat("thp_collapse_alloc");
    r = madvise(b, SZ, MADV_COLLAPSE); en = r ? errno : 0;
    printf("3 MADV_COLLAPSE untouched: rc=%d errno=%d ahp=%ld collapse_alloc+%ld\n", r, en, smaps_ahp(b), vmstat("thp_collapse_alloc") - c0);
    /* 4: one page touched only (max_ptes_none ignored) */
    char *c = aligned(); c[0] = 1; c0 = vmstat("thp_collapse_alloc");
    r = madvise(c, SZ, MADV_COLLAPSE); en = r ? errno : 0;
    printf("4 MADV_COLLAPSE one page touched: rc=%d errno=%d ahp=%ld collapse_alloc+%ld\n", r, en, smaps_ahp(c), vmstat("thp_collapse_alloc") - c0);
    /* 5: read-only touched (zero page) */
    char *d = aligned(); volatile char s = 0; for (unsigned long i = 0; i < SZ; i += 4096) s += d[i];
    c0 = vmstat("thp_collapse_alloc");
    r = madvise(d, SZ, MADV_COLLAPSE); en = r ? errno : 0;
    printf("5 MADV_COLLAPSE zero-page reads: rc=%d errno=%d ahp=%ld collapse_alloc+%ld\n", r, en, smaps_ahp(d), vmstat("thp_collapse_alloc") - c0);
    /* 6: MADV_NOHUGEPAGE then collapse */
    char *e = aligned(); memset(e, 1, SZ); madvise(e, SZ, MADV_NOHUGEPAGE);
    r = madvise(e, SZ, MADV_COLLAPSE); en = r ? errno : 0;
    printf("6 MADV_COLLAPSE on VM_NOHUGEPAGE: rc=%d errno=%d\n", r, r ? errno : 0);
    /* 7: unaligned 1 MiB inside */
    char *g = aligned(); memset(g, 1, SZ);
    r = madvise(g, SZ / 2, MADV_COLLAPSE); en = r ? errno : 0;
    printf("7 MADV_COLLAPSE 1MiB (no whole PMD): rc=%d errno=%d ahp=%ld\n", r, en, smaps_ahp(g));
    /* 8: khugepaged: madvise mode, MADV_HUGEPAGE on touched pages, max_ptes_none=0 on one range with a hole */
    wr(KH "scan_sleep_millisecs", "10");
    wr(KH "max_ptes_none", "0");
    char *h = aligned(); memset(h, 1, SZ);
    char *i2 = aligned(); memset(i2, 1, SZ - 4096);
    long pc0 = rd(KH "pages_collapsed"), fs0 = rd(KH "full_scans"), en0 = vmstat("thp_scan_exceed_none_pte");
    c0 = vmstat("thp_collapse_alloc");
    wr("/sys/kernel/mm/transparent_hugepage/enabled", "madvise");
    madvise(h, SZ, MADV_HUGEPAGE); madvise(i2, SZ, MADV_HUGEPAGE);
    usleep(1500000);
    printf("8 khugepaged: full ahp=%ld holed ahp=%ld pages_collapsed+%ld full_scans+%ld exceed_none+%ld collapse_alloc+%ld\n",
        smaps_ahp(h), smaps_ahp(i2), rd(KH "pages_collapsed") - pc0, rd(KH "full_scans") - fs0,
        vmstat("thp_scan_exceed_none_pte") - en0, vmstat("thp_collapse_alloc") - c0);
    wr("/sys/kernel/mm/transparent_hugepage/enabled", "never");
    wr(KH "max_ptes_none", "512");
    printf("max_ptes_none=512 -> now %ld\n", rd(KH "max_ptes_none"));
    return 0;
}
