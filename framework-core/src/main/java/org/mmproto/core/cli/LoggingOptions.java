package org.mmproto.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.mmproto.core.trace.Log;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code -v}/{@code -vv} and {@code --log-file} before the command. By default only warnings
 * (allocation failures, contained driver failures, plugin problems) reach stderr; -v shows the
 * engine's loggers ({@link Log}: mm.page_alloc, mm.vmscan, mm.kswapd, mm.compaction,
 * mm.khugepaged, mm.migrate, mm.mempolicy, mm.numa_balancing, fault_inject,
 * driver.containment, plugin, trace) at info, -vv at debug; the libraries' loggers (PF4J, ...)
 * stay at warnings with -v and show info with -vv. {@code --log-file} also writes the engine's
 * loggers at info at least (debug with -vv) to the file while stderr keeps its level. There is
 * one console appender, on the root logger, so every message prints once.
 */
final class LoggingOptions {
    private static final String FILE = "mmproto-log-file";

    /** The lowest level the console shows, as the last {@link #apply} set it. */
    private static volatile Level stderrLevel = Level.WARN;

    @Option(names = "-v", description = "More log output on stderr: -v info, -vv debug (before the command).")
    boolean[] verbose = new boolean[0];

    @Option(names = "--log-file", paramLabel = "FILE",
            description = "Also write the log (at the -v level, at least info) to FILE.")
    Path logFile;

    /** The logger groups the engine's loggers sit in (mm, fault_inject, driver, plugin, trace). */
    static Set<String> groups() {
        Set<String> g = new LinkedHashSet<>();
        for (Log l : Log.values()) {
            String n = l.loggerName();
            g.add(n.contains(".") ? n.substring(0, n.indexOf('.')) : n);
        }
        return g;
    }

    /** Whether a message of {@code log} at {@code level} reaches stderr. */
    static boolean onStderr(Log log, org.slf4j.event.Level level) {
        Level l = Level.toLevel(level.name());
        return l.isGreaterOrEqual(stderrLevel) && ((Logger) log.logger()).isEnabledFor(l);
    }

    /** Sets the levels for this command line (a run in the same JVM starts from the defaults again). */
    void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> stderr = root.getAppender("STDERR");
        Appender<ILoggingEvent> old = root.getAppender(FILE);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
        int v = verbose.length;
        Level console = v >= 2 ? Level.DEBUG : v == 1 ? Level.INFO : Level.WARN;
        Level engine = logFile == null ? console : v >= 2 ? Level.DEBUG : Level.INFO;
        stderrLevel = console;
        root.setLevel(v >= 2 ? Level.INFO : Level.toLevel(System.getProperty("mmproto.log.level", "WARN"), Level.WARN));
        for (String g : groups()) {
            ctx.getLogger(g).setLevel(engine == Level.WARN ? null : engine);
        }
        if (stderr != null) {
            stderr.clearAllFilters();
            if (engine != console) { // the file gets more than the console
                ThresholdFilter f = new ThresholdFilter();
                f.setLevel(console.levelStr);
                f.start();
                stderr.addFilter(f);
            }
        }
        if (logFile != null) {
            PatternLayoutEncoder enc = new PatternLayoutEncoder();
            enc.setContext(ctx);
            enc.setPattern("%d{HH:mm:ss.SSS} %-5level %logger: %msg%n");
            enc.start();
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setName(FILE);
            file.setContext(ctx);
            file.setFile(logFile.toString());
            file.setAppend(false);
            file.setEncoder(enc);
            file.start();
            root.addAppender(file);
        }
    }
}
