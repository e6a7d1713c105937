package org.mmproto.conformance.report;

import java.util.List;
import org.mmproto.conformance.ConformanceReport;
import org.mmproto.conformance.Outcome;
import org.mmproto.conformance.Result;

/**
 * KTAP, the kernel selftests' format (Documentation/dev-tools/ktap.rst): one test per rule and
 * design, {@code # SKIP reason} for a skip, the failure's details as diagnostic lines.
 */
public final class Ktap {
    private Ktap() {
    }

    public static String render(ConformanceReport r) {
        List<Result> rs = r.results();
        StringBuilder sb = new StringBuilder("KTAP version 1\n");
        sb.append("# mmproto conform ").append(clean(r.driver())).append(" seed ").append(r.seed()).append('\n');
        sb.append("1..").append(rs.size()).append('\n');
        int n = 0;
        for (Result x : rs) {
            n++;
            String name = x.rule().id() + " " + x.design();
            switch (x.outcome()) {
                case PASS -> sb.append("ok ").append(n).append(' ').append(name).append('\n');
                case SKIPPED -> sb.append("ok ").append(n).append(' ').append(name).append(" # SKIP ")
                        .append(clean(x.detail())).append('\n');
                case FAIL -> sb.append("# ").append(clean(x.where())).append('\n')
                        .append("not ok ").append(n).append(' ').append(name).append('\n');
                default -> throw new IllegalStateException(String.valueOf(x.outcome()));
            }
        }
        long pass = rs.stream().filter(x -> x.outcome() == Outcome.PASS).count();
        long fail = rs.stream().filter(x -> x.outcome() == Outcome.FAIL).count();
        sb.append("# Totals: pass:").append(pass).append(" fail:").append(fail).append(" xfail:0 xpass:0 skip:")
                .append(rs.size() - pass - fail).append(" error:0\n");
        return sb.toString();
    }

    private static String clean(String s) {
        return s.replace('\n', ' ').replace("#", "no.");
    }
}
