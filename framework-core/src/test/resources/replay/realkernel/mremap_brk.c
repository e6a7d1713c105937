#define _GNU_SOURCE
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define P 4096L
static long mr(void *a, long ol, long nl, long fl, void *na) {
    long r = syscall(SYS_mremap, a, ol, nl, fl, na);
    return r == -1 ? -errno : r;
}
static long br(long a) { return syscall(SYS_brk, a); }
static void *anon(void *hint, long len, int extra) {
    return mmap(hint, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
}
static int vmas(unsigned long lo, unsigned long hi) {
    FILE *f = fopen("/proc/self/maps", "r"); char line[512]; int n = 0;
    while (fgets(line, sizeof line, f)) { unsigned long s, e; sscanf(line, "%lx-%lx", &s, &e); if (s < hi && e > lo) n++; }
    fclose(f); return n;
}
static void heap(void) {
    FILE *f = fopen("/proc/self/maps", "r"); char line[512];
    while (fgets(line, sizeof line, f)) if (strstr(line, "[heap]")) printf("  maps %s", line);
    fclose(f);
}
#define R(name, expr) printf("%s = %ld\n", name, (long)(expr))
/* a fresh 4-page mapping with 4 free pages after it, then a guard page */
static char *fresh(void) {
    char *a = anon(NULL, 16 * P, 0);
    munmap(a + 4 * P, 12 * P);
    anon(a + 8 * P, P, MAP_FIXED);
    return a;
}
int main(void) {
    char *a = fresh();
    R("bad_flags_8", mr(a, P, P, 8, 0));
    R("fixed_without_maymove", mr(a, P, P, MREMAP_FIXED, a + 12 * P));
    R("dontunmap_without_maymove", mr(a, P, P, MREMAP_DONTUNMAP, 0));
    R("dontunmap_len_differs", mr(a, P, 2 * P, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0));
    R("unaligned_old", mr(a + 1, P, 2 * P, MREMAP_MAYMOVE, 0));
    R("new_len_0", mr(a, P, 0, 0, 0));
    R("unmapped_shrink", mr(a + 5 * P, 2 * P, P, 0, 0));
    R("unmapped_grow", mr(a + 5 * P, P, 2 * P, MREMAP_MAYMOVE, 0));
    R("unmapped_same", mr(a + 5 * P, P, P, 0, 0));
    R("old_past_vma_end_grow", mr(a + 2 * P, 4 * P, 6 * P, MREMAP_MAYMOVE, 0));
    R("old_len_0_private", mr(a, 0, P, MREMAP_MAYMOVE, 0));
    R("fixed_overlap", mr(a, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, a + P));
    R("fixed_unaligned_new", mr(a, P, P, MREMAP_FIXED | MREMAP_MAYMOVE, a + 20 * P + 1));
    R("grow_blocked_no_maymove", mr(a, 4 * P, 10 * P, 0, 0));
    R("grow_middle_no_maymove", mr(a, 2 * P, 3 * P, 0, 0));
    long r = mr(a, 4 * P, 8 * P, 0, 0);
    printf("grow_in_place = %s vmas=%d\n", r == (long)a ? "addr" : "other", vmas((long)a, (long)a + 8 * P));
    r = mr(a, 8 * P, 3 * P, 0, 0);
    printf("shrink = %s vmas=%d\n", r == (long)a ? "addr" : "other", vmas((long)a, (long)a + 8 * P));
    a = fresh();
    R("old_past_vma_end_shrink_ok", mr(a + 2 * P, 4 * P, P, 0, 0) == (long)(a + 2 * P));
    printf("  a_vmas_after=%d\n", vmas((long)a, (long)a + 8 * P));
    a = fresh();
    r = mr(a, 4 * P, 6 * P, MREMAP_MAYMOVE, 0);
    printf("grow_maymove_room = %s\n", r == (long)a ? "addr" : "other");
    a = fresh();
    a[0] = 'z';
    r = mr(a, 4 * P, 10 * P, MREMAP_MAYMOVE, 0);
    printf("grow_maymove_blocked = %s old_vmas=%d new0=%c\n", r == (long)a ? "addr" : r < 0 ? "err" : "moved", vmas((long)a, (long)a + 4 * P), r > 0 ? *(char *)r : '-');
    a = fresh();
    R("dontunmap_len_differs_same_pages", mr(a, P, P - 100, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0) > 0);
    /* DONTUNMAP: pages move, the old range stays mapped and refaults zero */
    char *d = anon(NULL, 2 * P, 0);
    d[0] = 'x'; d[P] = 'y';
    char *n = (char *)mr(d, 2 * P, 2 * P, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0);
    printf("dontunmap moved=%d new=%c%c old=%d,%d old_vmas=%d\n", n != d, n[0], n[P], d[0], d[P], vmas((long)d, (long)d + 2 * P));
    /* FIXED to a mapped target: target replaced */
    char *s = anon(NULL, 2 * P, 0); char *t = anon(NULL, 2 * P, 0); s[0] = 'q';
    r = mr(s, 2 * P, 2 * P, MREMAP_FIXED | MREMAP_MAYMOVE, t);
    printf("fixed_onto_mapping = %s t0=%c src_vmas=%d\n", r == (long)t ? "new_addr" : "other", t[0], vmas((long)s, (long)s + 2 * P));
    /* MAP_FIXED_NOREPLACE */
    char *x = anon(NULL, 8 * P, 0);
    munmap(x + 4 * P, 4 * P);
    void *y = mmap((char *)x + 2 * P, 4 * P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("noreplace_overlap = %ld\n", y == MAP_FAILED ? (long)-errno : 0L);
    y = mmap((char *)x + 4 * P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("noreplace_free = %s\n", y == (char *)x + 4 * P ? "addr" : "other");
    y = mmap((char *)x + P + 5, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    printf("noreplace_unaligned = %ld\n", y == MAP_FAILED ? (long)-errno : 0L);
    /* brk */
    long b0 = br(0);
    long b1 = br(b0 + 3 * P + 10);
    printf("brk_grow = %s\n", b1 == b0 + 3 * P + 10 ? "want" : "other"); heap();
    long b2 = br(b1 + 5 * P);
    printf("brk_grow2 = %s\n", b2 == b1 + 5 * P ? "want" : "other"); heap();
    long b3 = br(b0 + P);
    printf("brk_shrink = %s\n", b3 == b0 + P ? "want" : "other"); heap();
    long below = br(b0 - 100 * P);
    printf("brk_below_start = %s\n", below == b3 ? "old" : "other");
    long end = (b3 + P - 1) & -P;
    void *m = anon((void *)(end + 2 * P), P, MAP_FIXED);
    long b4 = br(end + 4 * P);
    printf("brk_into_mapping = %s (m=%d)\n", b4 == b3 ? "old" : b4 == end + 4 * P ? "want" : "other", m != MAP_FAILED);
    long b5 = br(end + 2 * P);
    printf("brk_up_to_mapping = %s\n", b5 == end + 2 * P ? "want" : "other"); heap();

    return 0;
}
