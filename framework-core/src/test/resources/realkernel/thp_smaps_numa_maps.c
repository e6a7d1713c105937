/* The THP mapping as /proc/self/smaps and /proc/self/numa_maps show it: a PMD-mapped THP, the
 * same after a partial munmap split its PMD, and 16 small pages. Prints the VMA's smaps lines
 * (Size, Rss, Pss, Anonymous, AnonHugePages) and its numa_maps line, with the VMA's start
 * replaced by its offset from the 2 MiB aligned base so the output is the same on every boot. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/mman.h>
#define SZ (2UL << 20)

static unsigned long base;

static void *aligned(void) {
    char *p = mmap(NULL, 4 * SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a = (char *)((((unsigned long)p + SZ - 1) & ~(SZ - 1)) + SZ);
    munmap(p, a - p); munmap(a + SZ, p + 4 * SZ - (a + SZ)); /* holes on both sides: no VMA merge */
    return a;
}

static void smaps(const char *tag, void *addr) {
    FILE *f = fopen("/proc/self/smaps", "r"); char line[256]; int in = 0;
    unsigned long a = (unsigned long)addr;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e; char c;
        if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3 && (c == 'r' || c == '-')) {
            in = a >= s && a < e;
            if (in) printf("%s smaps +%lx-+%lx\n", tag, s - base, e - base);
            continue;
        }
        if (in && (!strncmp(line, "Size:", 5) || !strncmp(line, "Rss:", 4) || !strncmp(line, "Pss:", 4)
                   || !strncmp(line, "Anonymous:", 10) || !strncmp(line, "AnonHugePages:", 14)
                   || !strncmp(line, "KernelPageSize:", 15) || !strncmp(line, "MMUPageSize:", 12)))
            printf("%s   %s", tag, line);
    }
    fclose(f);
}

static void numa_maps(const char *tag, void *addr) {
    FILE *f = fopen("/proc/self/numa_maps", "r"); char line[512];
    unsigned long a = (unsigned long)addr;
    while (fgets(line, sizeof line, f)) {
        unsigned long s; char *rest;
        if (sscanf(line, "%lx", &s) != 1) continue;
        rest = strchr(line, ' ');
        if (s == a) printf("%s numa_maps +%lx%s", tag, s - base, rest);
    }
    fclose(f);
}

static void ahp(const char *tag) {
    FILE *f = fopen("/proc/meminfo", "r"); char line[128];
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "AnonHugePages:", 14)) printf("%s meminfo %s", tag, line);
    fclose(f);
}

int main(void) {
    int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_WRONLY);
    if (fd < 0 || write(fd, "always", 6) != 6) { printf("cannot set enabled\n"); return 1; }
    close(fd);
    /* 1: one byte written into a 2 MiB aligned 2 MiB VMA: a PMD-mapped THP */
    char *t = aligned(); base = (unsigned long)t;
    t[0] = 1;
    smaps("thp", t); numa_maps("thp", t); ahp("thp");
    /* 2: munmap its last page: the PMD is split, the folio stays whole (deferred split) */
    munmap(t + SZ - 4096, 4096);
    smaps("split", t); numa_maps("split", t); ahp("split");
    /* 3: 16 small pages touched in a VMA that cannot hold a THP (MADV_NOHUGEPAGE) */
    char *s = aligned(); base = (unsigned long)s;
    madvise(s, SZ, MADV_NOHUGEPAGE);
    memset(s, 1, 16 * 4096);
    smaps("small", s); numa_maps("small", s);
    /* 4: a THP only read (the huge zero page when use_zero_page is 1) */
    char *r = aligned(); base = (unsigned long)r;
    volatile char x = r[0]; (void)x;
    smaps("read", r); numa_maps("read", r);
    return 0;
}
