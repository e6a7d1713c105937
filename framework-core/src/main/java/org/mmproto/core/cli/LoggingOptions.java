package org.mmproto.core.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code -v}/{@code -vv} and {@code --log-file} before the command: by default only warnings
 * (allocation failures, contained driver failures, plugin problems) reach stderr; -v adds INFO
 * (each injected fault, kswapd and reclaim summaries), -vv DEBUG. Loggers are named after the
 * kernel's subsystems: mm.page_alloc, mm.vmscan, mm.migrate, fault_inject, driver.containment.
 */
final class LoggingOptions {
    @Option(names = "-v", description = "More log output on stderr: -v info, -vv debug (before the command).")
    boolean[] verbose = new boolean[0];

    @Option(names = "--log-file", paramLabel = "FILE", description = "Also write the log (at the -v level, at least info) to FILE.")
    Path logFile;

    void apply() {
        if (verbose.length == 0 && logFile == null) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = verbose.length >= 2 ? Level.DEBUG : verbose.length == 1 || logFile != null ? Level.INFO : Level.WARN;
        root.setLevel(level);
        if (verbose.length == 0) {
            // the file gets info; stderr stays at warnings
            var stderr = root.getAppender("STDERR");
            if (stderr != null) {
                ch.qos.logback.classic.filter.ThresholdFilter f = new ch.qos.logback.classic.filter.ThresholdFilter();
                f.setLevel("WARN");
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
            file.setContext(ctx);
            file.setFile(logFile.toString());
            file.setAppend(false);
            file.setEncoder(enc);
            file.start();
            root.addAppender(file);
        }
    }
}
