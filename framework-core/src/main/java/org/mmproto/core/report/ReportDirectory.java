package org.mmproto.core.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a {@link SuiteReport} into a directory, replacing the report that was there: a
 * directory is only emptied when it holds nothing or a report this class wrote (its
 * {@value #MARKER} file), so {@code --report ~} cannot wipe a home directory.
 */
public final class ReportDirectory {
    public static final String MARKER = ".mmproto-report";
    /** The files written, in the order the CLI names them. */
    public static final List<String> FILES = List.of("report.html", "report.md", "report.json", "summary.txt");

    private ReportDirectory() {
    }

    public static void write(Path dir, SuiteReport r) {
        try {
            prepare(dir);
            Files.writeString(dir.resolve(MARKER), "written by mmproto compare; replaced by the next run\n");
            Files.writeString(dir.resolve("report.html"), HtmlReport.render(r), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.md"), SuiteMarkdown.render(r), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.json"), SuiteJson.render(r), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("summary.txt"), SuiteText.render(r), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("--report " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void prepare(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--report " + dir + ": not a directory");
        }
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
            return;
        }
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
        }
        if (empty) {
            return;
        }
        if (!Files.isRegularFile(dir.resolve(MARKER))) {
            throw new IllegalArgumentException("--report " + dir + ": the directory holds files and no earlier report ("
                    + MARKER + "); not replacing it: name a new or empty directory");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }
}
