package org.mmproto.core.replay;

import java.util.List;

/** Records what a parser sends, as "R|W|P addr size". */
final class AccessSinkStub {
    private AccessSinkStub() {
    }

    static AccessSink of(List<String> out) {
        return new AccessSink() {
            @Override
            public void access(long addr, int size, boolean write, long ns) {
                out.add((write ? "W " : "R ") + Long.toHexString(addr) + " " + size);
            }

            @Override
            public void populate(long addr, long ns) {
                out.add("P " + Long.toHexString(addr));
            }
        };
    }
}
