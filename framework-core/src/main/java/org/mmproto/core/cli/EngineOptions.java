package org.mmproto.core.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.plugin.PluginsDir;
import org.mmproto.core.scenario.RunFactory;
import picocli.CommandLine.Option;

/** Options shared by the commands that run scenarios: where plugins come from, the driver budget. */
final class EngineOptions {
    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Directory of driver/design plugin jars (default: plugins/ of the checkout).")
    String plugins;

    @Option(names = "--budget-ms", defaultValue = "200", paramLabel = "MS",
            description = {"CPU-time budget of one driver call (bind() too),", "measured on the driver's thread (ThreadMXBean);",
                "a call not running (asleep, waiting, blocked) after", "max(budget, 1 s) of wall time has hung. A driver",
                "that overruns or hangs is quarantined: never", "called again, its hooks answer the site's default;",
                "0 = call drivers inline with no timeout", "(default: ${DEFAULT-VALUE})."})
    long budgetMs;

    Duration budget() {
        if (budgetMs < 0) {
            throw new IllegalArgumentException("--budget-ms must be >= 0, got " + budgetMs);
        }
        return Duration.ofMillis(budgetMs);
    }

    /** A {@code --plugins DIR} argument must name an existing directory; says what it is otherwise. */
    static void checkDirectory(String given) {
        Path p = Path.of(given);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("--plugins " + given + ": no such directory");
        }
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("--plugins " + given + ": not a directory (a "
                    + (Files.isRegularFile(p) ? "regular file" : "device, pipe or socket")
                    + "); expected the directory that holds the plugin jars");
        }
    }

    /** Loads the plugins directory; an absent default directory is an empty catalog, an absent --plugins DIR an error. */
    RunFactory factory() {
        Path dir = PluginsDir.resolve(plugins);
        if (plugins != null) {
            checkDirectory(plugins);
        }
        if (!Files.isDirectory(dir)) {
            return new RunFactory(PluginCatalog.empty());
        }
        PluginCatalog catalog = new DriverPlugins().load(dir);
        org.slf4j.Logger log = org.mmproto.core.trace.Log.PLUGIN.logger();
        catalog.failed().forEach(p -> log.warn("not loaded: {}", p.error()));
        catalog.started().forEach(p -> log.info("{} {} loaded from {}: {} driver(s), {} design(s)", p.id(), p.version(),
                p.jar().getFileName(), p.drivers().size(), p.designs().size()));
        return new RunFactory(catalog);
    }
}
