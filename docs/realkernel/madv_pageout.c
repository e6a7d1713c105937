#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>
#include <linux/mempolicy.h>

#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static const char *keys[] = {"pswpout", "pswpin", "pgsteal_kswapd", "pgsteal_direct", "pgsteal_khugepaged",
    "pgscan_kswapd", "pgscan_direct", "pgscan_khugepaged", "pgsteal_anon", "pgsteal_file", "pgscan_anon",
    "pgscan_file", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed", "pgdemote_kswapd",
    "pgdemote_direct", "thp_swpout", NULL};
static long vals[32];

static void snap(long *out) {
    FILE *f = fopen("/proc/vmstat", "r");
    char k[128]; long v;
    for (int i = 0; keys[i]; i++) out[i] = 0;
    while (fscanf(f, "%127s %ld", k, &v) == 2)
        for (int i = 0; keys[i]; i++) if (!strcmp(k, keys[i])) out[i] = v;
    fclose(f);
}

static void delta(const char *what, long *before) {
    long now[32];
    snap(now);
    printf("%s:", what);
    for (int i = 0; keys[i]; i++) if (now[i] != before[i]) printf(" %s=%ld", keys[i], now[i] - before[i]);
    printf("\n");
}

static char *region(size_t len) {
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned long mask = 1UL << 1;
    if (syscall(SYS_mbind, p, len, MPOL_BIND, &mask, 8 * sizeof(mask), 0)) perror("mbind");
    madvise(p, len, MADV_NOHUGEPAGE);
    return p;
}

static void run(void) {
    size_t len = 16 << 20, n = len / 4096;
    long b[32];
    if (0 && system("insmod /mod/lz4_compress.ko; insmod /mod/lz4hc_compress.ko; insmod /mod/zram.ko; "
               "echo 64M > /sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0") != 0)
        printf("swap setup failed\n");
    system("grep -E 'SwapTotal|SwapFree' /proc/meminfo");

    char *p = region(len);
    memset(p, 1, len);
    snap(b);
    int r = madvise(p, len, MADV_PAGEOUT);
    printf("pageout 4096 written pages: ret=%d\n", r);
    delta("pageout", b);
    snap(b);
    for (size_t i = 0; i < n; i++) (void)*(volatile char *)(p + i * 4096);
    delta("read back", b);

    /* MADV_COLD on inactive pages, then activate by a pageout without... just cold */
    char *q = region(len);
    memset(q, 2, len);
    snap(b);
    r = madvise(q, len, MADV_COLD);
    printf("cold fresh: ret=%d\n", r);
    delta("cold", b);

    /* MADV_FREE, rewrite the first 16 pages, then MADV_PAGEOUT */
    char *f = region(len);
    memset(f, 3, len);
    snap(b);
    r = madvise(f, len, MADV_FREE);
    printf("free: ret=%d\n", r);
    delta("free", b);
    for (int i = 0; i < 16; i++) f[i * 4096] = 4;
    snap(b);
    r = madvise(f, len, MADV_PAGEOUT);
    printf("pageout lazyfree (16 redirtied): ret=%d\n", r);
    delta("pageout lazyfree", b);
    printf("f[0]=%d f[16*4096]=%d\n", f[0], f[16 * 4096]);

    /* errnos */
    { char *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0); r = madvise(s, 4096, MADV_FREE); printf("free on shared anon: ret=%d errno=%d\n", r, r ? errno : 0); }
    char *h = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(h + 4096, 4096);
    errno = 0;
    r = madvise(h, 3 * 4096, MADV_COLD);
    printf("cold over a hole: ret=%d errno=%d\n", r, r ? errno : 0);
    r = madvise(h + 1, 4096, MADV_PAGEOUT);
    printf("pageout unaligned: ret=%d errno=%d\n", r, r ? errno : 0);
}

int main(void) {
    if (system("insmod /mod/lz4_compress.ko; insmod /mod/lz4hc_compress.ko; insmod /mod/zram.ko; "
               "echo 128M > /sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null && swapon /dev/zram0") != 0)
        printf("swap setup failed\n");
    system("echo lru_gen: $(cat /sys/kernel/mm/lru_gen/enabled)");
    run();
    system("echo n > /sys/kernel/mm/lru_gen/enabled; echo lru_gen: $(cat /sys/kernel/mm/lru_gen/enabled)");
    run();
    return 0;
}
