package org.mmproto.conformance.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mmproto.conformance.ConformanceReport;
import org.mmproto.conformance.Outcome;
import org.mmproto.conformance.Result;

/**
 * JUnit XML as Surefire writes it (one {@code TEST-conformance.<rule>.xml} per rule, a testcase
 * per design), so that CI servers show the kit's results as tests named by rule id.
 */
public final class JunitXml {
    private JunitXml() {
    }

    public static void write(ConformanceReport r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, List<Result>> byRule = new LinkedHashMap<>();
        for (Result x : r.results()) {
            byRule.computeIfAbsent(x.rule().id(), k -> new java.util.ArrayList<>()).add(x);
        }
        for (var e : byRule.entrySet()) {
            List<Result> rs = e.getValue();
            String suite = "conformance." + e.getKey();
            StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            sb.append("<testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(rs.size())
                    .append("\" failures=\"").append(count(rs, Outcome.FAIL)).append("\" skipped=\"")
                    .append(count(rs, Outcome.SKIPPED)).append("\" errors=\"0\">\n");
            sb.append("  <properties><property name=\"seed\" value=\"").append(r.seed()).append("\"/>")
                    .append("<property name=\"driver\" value=\"").append(esc(r.driver())).append("\"/></properties>\n");
            for (Result x : rs) {
                sb.append("  <testcase classname=\"").append(esc(suite)).append("\" name=\"").append(esc(e.getKey() + " "
                        + x.rule().title() + " [" + x.design() + "]")).append("\"");
                if (x.outcome() == Outcome.PASS) {
                    sb.append("/>\n");
                } else if (x.outcome() == Outcome.SKIPPED) {
                    sb.append("><skipped message=\"").append(esc(x.detail())).append("\"/></testcase>\n");
                } else {
                    sb.append("><failure message=\"").append(esc(x.where())).append("\"/></testcase>\n");
                }
            }
            sb.append("</testsuite>\n");
            Files.writeString(dir.resolve("TEST-" + suite + ".xml"), sb.toString());
        }
    }

    private static long count(List<Result> rs, Outcome o) {
        return rs.stream().filter(x -> x.outcome() == o).count();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
