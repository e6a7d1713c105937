package org.mmproto.core.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.mmproto.core.fuzz.AllowedErrnos.Call;
import org.mmproto.core.gup.Gup;
import org.mmproto.core.policy.MovePagesResult;
import org.mmproto.core.task.MemPolicy;
import org.mmproto.core.task.Mm;
import org.mmproto.core.task.MmOps;
import org.mmproto.core.task.Task;
import org.mmproto.core.testkit.ActionRunner.Step;

/**
 * Draws one random step over the syscall layer, arguments valid and invalid alike (syzkaller's
 * mix of well-formed calls and edge values): lengths 0, negative, SIZE_MAX, above TASK_SIZE and
 * tens of TiB; addresses unaligned, NULL, beyond TASK_SIZE; every mode and flag bit; nodemasks
 * NULL, unreadable, with the private node, with bits beyond the machine; pids of live, exited
 * and absent tasks. Each step checks its errno against {@link AllowedErrnos}.
 */
final class MmSteps {
    private static final long PAGE = Mm.PAGE_SIZE;
    private static final long TiB = 1L << 40;

    private MmSteps() {
    }

    /** A length: mostly a few pages, sometimes an edge value. */
    private static long length(SplittableRandom r) {
        return switch (r.nextInt(20)) {
            case 0 -> 0;
            case 1 -> -PAGE;
            case 2 -> -1;
            case 3 -> Mm.TASK_SIZE + PAGE;
            case 4 -> (1 + r.nextInt(64)) * TiB;
            case 5 -> 1 + r.nextInt(8191); // unaligned
            case 6 -> (1 + r.nextInt(4)) * Mm.PMD_SIZE;
            default -> (1 + r.nextInt(256)) * PAGE;
        };
    }

    /** An offset into a mapping in pages: usually inside it, sometimes past it or unaligned. */
    private static long offset(SplittableRandom r, long len) {
        return switch (r.nextInt(10)) {
            case 0 -> len + PAGE * r.nextInt(4);
            case 1 -> r.nextLong(Math.max(1, len)) | 1; // unaligned
            default -> (r.nextLong(Math.max(1, len / PAGE))) * PAGE;
        };
    }

    private static long maskWords(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1L << 2; // the private node
            case 2 -> r.nextLong(); // bits beyond the machine
            default -> 1 + r.nextInt(7);
        };
    }

    private static int mode(SplittableRandom r) {
        int m = r.nextInt(10) == 0 ? r.nextInt(16) : r.nextInt(MemPolicy.MPOL_MAX);
        if (r.nextInt(8) == 0) {
            m |= r.nextBoolean() ? MemPolicy.MPOL_F_STATIC_NODES : MemPolicy.MPOL_F_RELATIVE_NODES;
        }
        return m;
    }

    private static long maxnode(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> r.nextInt(2000);
            case 2 -> -1;
            default -> 65;
        };
    }

    static Step<FuzzWorld> draw(SplittableRandom r, int index) {
        int ti = r.nextInt(8);
        int vi = r.nextInt(16);
        int op = r.nextInt(100);
        if (op < 14) {
            long len = length(r);
            int prot = r.nextInt(8) == 0 ? r.nextInt(16) : MmOps.PROT_READ | (r.nextInt(4) == 0 ? 0 : MmOps.PROT_WRITE);
            int flags = switch (r.nextInt(10)) {
                case 0 -> MmOps.MAP_SHARED | MmOps.MAP_ANONYMOUS;
                case 1 -> MmOps.MAP_ANONYMOUS; // no type: EINVAL
                case 2 -> MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS | MmOps.MAP_FIXED;
                default -> MmOps.MAP_PRIVATE | MmOps.MAP_ANONYMOUS;
            };
            int addrKind = r.nextInt(6);
            long off = r.nextInt(1 << 20);
            return Step.always(String.format("mmap(task %d, addr kind %d, len %#x, prot %#x, flags %#x)", ti, addrKind,
                    len, prot, flags), w -> {
                Task t = w.task(ti);
                long addr = switch (addrKind) {
                    case 0 -> 0;
                    case 1 -> Mm.TASK_SIZE;
                    case 2 -> 0x1001;
                    case 3 -> {
                        long[] v = w.vma(t, vi);
                        yield v == null ? 0x7e0000000000L : v[0] + (off & (v[1] / PAGE - 1)) * PAGE;
                    }
                    default -> 0x7e0000000000L - off * PAGE;
                };
                w.result(Call.MMAP, w.ops.mmap(t, addr, len, prot, flags, null, 0, null));
            });
        }
        if (op < 22) {
            long len = length(r);
            long offSeed = r.nextLong();
            boolean wild = r.nextInt(8) == 0;
            return Step.always(String.format("munmap(task %d, vma %d, len %#x%s)", ti, vi, len, wild ? ", wild" : ""), w -> {
                Task t = w.task(ti);
                long[] v = w.vma(t, vi);
                long addr = v == null || wild ? offSeed : v[0] + offset(new SplittableRandom(offSeed), v[1]);
                w.result(Call.MUNMAP, w.ops.munmap(t, addr, len));
            });
        }
        if (op < 30) {
            long len = r.nextInt(6) == 0 ? length(r) : PAGE * (1 + r.nextInt(64));
            long offSeed = r.nextLong();
            int advice = switch (r.nextInt(8)) {
                case 0 -> r.nextInt(200);
                case 1 -> MmOps.MADV_HUGEPAGE;
                case 2 -> MmOps.MADV_NOHUGEPAGE;
                default -> MmOps.MADV_DONTNEED;
            };
            return Step.always(String.format("madvise(task %d, vma %d, len %#x, advice %d)", ti, vi, len, advice), w -> {
                Task t = w.task(ti);
                long[] v = w.vma(t, vi);
                long addr = v == null ? offSeed : v[0] + offset(new SplittableRandom(offSeed), v[1]);
                w.result(Call.MADVISE, w.ops.madvise(t, addr, len, advice));
            });
        }
        if (op < 46) {
            long len = r.nextInt(30) == 0 ? -PAGE : PAGE * (1 + r.nextInt(r.nextInt(8) == 0 ? 1024 : 32));
            long offSeed = r.nextLong();
            boolean write = r.nextBoolean();
            return Step.always(String.format("touch(task %d, vma %d, len %#x, %s)", ti, vi, len, write ? "write" : "read"),
                    w -> {
                        Task t = w.task(ti);
                        long[] v = w.vma(t, vi);
                        long addr = v == null ? 0x1000 : v[0] + offset(new SplittableRandom(offSeed), v[1]);
                        w.result(Call.TOUCH, w.ops.touch(t, addr, len, write));
                    });
        }
        if (op < 54) {
            long len = r.nextInt(6) == 0 ? length(r) : PAGE * (1 + r.nextInt(64));
            long offSeed = r.nextLong();
            int mode = mode(r);
            long words = maskWords(r);
            int maskKind = r.nextInt(8);
            long maxnode = maxnode(r);
            int flags = r.nextInt(10) == 0 ? r.nextInt(32) : r.nextInt(4) << 1 | r.nextInt(2);
            return Step.always(String.format("mbind(task %d, vma %d, len %#x, mode %#x, mask %#x/%d, maxnode %d, flags %#x)",
                    ti, vi, len, mode, words, maskKind, maxnode, flags), w -> {
                Task t = w.task(ti);
                long[] v = w.vma(t, vi);
                long addr = v == null ? offSeed : v[0] + offset(new SplittableRandom(offSeed), v[1]);
                w.result(Call.MBIND, w.numa.mbind(t, addr, len, mode, FuzzWorld.mask(words, maskKind),
                        maxnode, flags));
            });
        }
        if (op < 60) {
            int mode = mode(r);
            long words = maskWords(r);
            int maskKind = r.nextInt(8);
            long maxnode = maxnode(r);
            return Step.always(String.format("set_mempolicy(task %d, mode %#x, mask %#x/%d, maxnode %d)", ti, mode, words,
                    maskKind, maxnode), w -> w.result(Call.SET_MEMPOLICY,
                    w.numa.setMempolicy(w.task(ti), mode, FuzzWorld.mask(words, maskKind), maxnode)));
        }
        if (op < 64) {
            int flags = r.nextInt(8) == 0 ? r.nextInt(64) : r.nextInt(8);
            long maxnode = maxnode(r);
            boolean wantMask = r.nextBoolean();
            long offSeed = r.nextLong();
            return Step.always(String.format("get_mempolicy(task %d, vma %d, flags %#x, maxnode %d)", ti, vi, flags, maxnode),
                    w -> {
                        Task t = w.task(ti);
                        long[] v = w.vma(t, vi);
                        long addr = v == null ? offSeed : v[0] + offset(new SplittableRandom(offSeed), v[1]);
                        w.result(Call.GET_MEMPOLICY, w.numa.getMempolicy(t, wantMask, maxnode, addr, flags).ret());
                    });
        }
        if (op < 70) {
            int n = 1 + r.nextInt(12);
            long[] offs = new long[n];
            int[] nodes = new int[n];
            for (int i = 0; i < n; i++) {
                offs[i] = r.nextInt(10) == 0 ? r.nextLong() : r.nextInt(64) * PAGE;
                nodes[i] = r.nextInt(12) == 0 ? r.nextInt(2000) - 1000 : r.nextInt(4);
            }
            boolean query = r.nextInt(4) == 0;
            int pidKind = r.nextInt(6);
            int pidTask = r.nextInt(8);
            int flags = r.nextInt(10) == 0 ? r.nextInt(16) : (r.nextBoolean() ? MemPolicy.MPOL_MF_MOVE : MemPolicy.MPOL_MF_MOVE_ALL);
            return Step.always(String.format("move_pages(task %d, pid kind %d, vma %d, offs %s, nodes %s, flags %#x)", ti,
                    pidKind, vi, Arrays.toString(offs), query ? "NULL" : Arrays.toString(nodes), flags), w -> {
                Task t = w.task(ti);
                long[] v = w.vma(t, vi);
                long[] pages = new long[n];
                for (int i = 0; i < n; i++) {
                    pages[i] = v == null || offs[i] < 0 || offs[i] >= v[1] ? offs[i] : v[0] + offs[i];
                }
                int pid = pidKind == 0 ? 0 : pidKind == 1 ? 99999 : w.task(pidTask).pid();
                MovePagesResult res = w.numa.movePages(t, pid, pages, query ? null : nodes, flags);
                w.result(Call.MOVE_PAGES, res.ret());
                if (res.ret() >= 0 && res.status() != null) {
                    for (int s : res.status()) {
                        if (s < 0) {
                            w.result(Call.MOVE_PAGES_STATUS, s);
                        }
                    }
                }
            });
        }
        if (op < 74) {
            long from = maskWords(r);
            long to = maskWords(r);
            int fromKind = r.nextInt(8);
            int toKind = r.nextInt(8);
            long maxnode = maxnode(r);
            int pidKind = r.nextInt(4);
            int pidTask = r.nextInt(8);
            return Step.always(String.format("migrate_pages(task %d, pid kind %d, maxnode %d, %#x/%d -> %#x/%d)", ti, pidKind,
                    maxnode, from, fromKind, to, toKind), w -> {
                Task t = w.task(ti);
                int pid = pidKind == 0 ? 0 : pidKind == 1 ? 99999 : w.task(pidTask).pid();
                w.result(Call.MIGRATE_PAGES, w.numa.migratePages(t, pid, maxnode,
                        FuzzWorld.mask(from, fromKind), FuzzWorld.mask(to, toKind)));
            });
        }
        if (op < 78) {
            return Step.always(String.format("fork(task %d)", ti), w -> {
                if (w.tasks.size() >= 8) {
                    return;
                }
                Task t = w.task(ti);
                Task c = w.ops.fork(t, "c" + index, 0);
                if (c == null) {
                    w.result(Call.FORK, -org.mmproto.api.Errno.ENOMEM.code());
                } else {
                    w.result(Call.FORK, c.pid());
                    w.tasks.add(c);
                }
            });
        }
        if (op < 81) {
            return Step.always(String.format("exit(task %d)", ti), w -> {
                Task t = w.task(ti);
                w.ops.exit(t);
                w.tasks.remove(t);
                if (w.tasks.isEmpty()) {
                    w.spawn(index % 2 == 0);
                }
            });
        }
        if (op < 87) {
            int n = r.nextInt(20) == 0 ? 0 : 1 + r.nextInt(16);
            long offSeed = r.nextLong();
            int flags = (r.nextBoolean() ? Gup.FOLL_WRITE : 0) | (r.nextBoolean() ? Gup.FOLL_LONGTERM : 0);
            return Step.always(String.format("pin_user_pages(task %d, vma %d, %d pages, flags %#x)", ti, vi, n, flags), w -> {
                Task t = w.task(ti);
                long[] v = w.vma(t, vi);
                long addr = v == null ? 0x1000 : v[0] + offset(new SplittableRandom(offSeed), v[1]);
                int[] err = new int[1];
                long[] heads = w.gup.pin(t, addr, n, flags, err);
                if (heads == null) {
                    w.result(Call.PIN, err[0]);
                } else {
                    w.result(Call.PIN, 0);
                    w.pins.add(heads);
                }
            });
        }
        if (op < 90) {
            int which = r.nextInt(1 << 16);
            return Step.always("unpin_user_pages(pin " + which + ")", w -> {
                if (!w.pins.isEmpty()) {
                    w.gup.unpin(w.pins.remove(which % w.pins.size()));
                }
            });
        }
        if (op < 96) {
            int gfpKind = r.nextInt(5);
            int order = r.nextInt(4) == 0 ? r.nextInt(11) : 0;
            int nid = r.nextInt(4);
            int cpu = r.nextInt(2) * 4;
            return Step.always(String.format("alloc_pages(gfp kind %d, order %d, nid %d)", gfpKind, order, nid), w -> {
                int n = w.k.mem().nodeCount();
                long pfn = w.k.alloc().allocPages(FuzzWorld.gfp(gfpKind), order, nid % n, null, w.k.cpuToNode(
                        cpu < w.k.mem().nodes().stream().mapToInt(x -> x.cpus().size()).sum() ? cpu : 0));
                if (pfn >= 0) {
                    w.result(Call.ALLOC_PAGES, 0);
                    w.kernelPages.add(new long[] {pfn, order});
                } else {
                    w.result(Call.ALLOC_PAGES, pfn);
                }
            });
        }
        int which = r.nextInt(1 << 16);
        return Step.always("__free_pages(allocation " + which + ")", w -> {
            if (!w.kernelPages.isEmpty()) {
                long[] a = w.kernelPages.remove(which % w.kernelPages.size());
                w.k.alloc().freePages(a[0], (int) a[1]);
            }
        });
    }
}
