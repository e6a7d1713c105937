package org.mmproto.core.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.mmproto.api.driver.Hook;
import org.mmproto.core.plugin.DesignExtension;
import org.mmproto.core.plugin.DriverExtension;
import org.mmproto.core.plugin.DriverPlugins;
import org.mmproto.core.plugin.DryBind;
import org.mmproto.core.plugin.FrameworkVersion;
import org.mmproto.core.plugin.PluginCatalog;
import org.mmproto.core.plugin.PluginInfo;
import org.mmproto.core.plugin.PluginsDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mmproto plugins}: what the plugins directory holds and why a jar did not load. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        header = "List the driver plugins, their hooks, and why a jar did not load.",
        description = {
            "List the driver plugins, their hooks, and why a jar did not load.",
            "",
            "Every jar of the plugins directory with its Plugin-Id, version and",
            "state; each driver with the callbacks (hooks) its class overrides, by",
            "their kernel names, and what a dry bind with an empty config opts",
            "into; each design with its summary; and for a jar that did not load,",
            "why: not a jar, no Plugin-Id, Plugin-Requires not met, framework-api",
            "bundled in the jar, no extensions, ...",
            "",
            "The default directory is plugins/ in the current directory, else",
            "plugins/ at the root of the checkout mmproto runs from. Building the",
            "project (mvn package) puts the sample drivers there.", ""},
        footer = {"", "Exit status: 0 (also when some jars failed: they are listed), 2 when",
            "the directory given with --plugins does not exist or is not a",
            "directory."})
final class PluginsCommand implements Runnable {
    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Plugins directory (default: plugins/ here, else at the checkout's root).")
    String dir;

    @Option(names = "--budget-ms", defaultValue = "200", paramLabel = "MS",
            description = {"Time budget of each driver's dry bind (the opt-ins", "line); one that overruns it is cut off."})
    long budgetMs;

    @Override
    public void run() {
        PrintStream out = System.out;
        if (dir != null && !dir.isBlank() && Files.exists(Path.of(dir))) {
            EngineOptions.checkDirectory(dir); // a missing one is reported by the loader
        }
        Path path = PluginsDir.resolve(dir);
        if (dir == null && !Files.isDirectory(path)) {
            out.println("no plugins directory; looked in: "
                    + PluginsDir.candidates().stream().map(Path::toString).collect(Collectors.joining(", ")));
            return;
        }
        try (PluginCatalog catalog = new DriverPlugins().load(path)) {
            print(catalog, out, java.time.Duration.ofMillis(budgetMs));
        }
    }

    static void print(PluginCatalog catalog, PrintStream out) {
        print(catalog, out, java.time.Duration.ofMillis(200));
    }

    static void print(PluginCatalog catalog, PrintStream out, java.time.Duration budget) {
        out.println("# plugins in " + catalog.directory() + " (mmproto " + FrameworkVersion.current()
                + "; Plugin-Requires checked against " + catalog.systemVersion() + ")");
        if (catalog.plugins().isEmpty()) {
            out.println("no plugin jars");
            return;
        }
        for (PluginInfo p : catalog.plugins()) {
            out.println();
            if (p.failed()) {
                out.println("FAILED " + p.jar().getFileName() + (p.id() == null ? "" : "  (" + p.id()
                        + (p.version() == null ? "" : " " + p.version()) + ")"));
                out.println("  error: " + p.error());
                continue;
            }
            out.println(p.id() + " " + p.version() + "  " + p.state());
            out.println("  jar:      " + p.jar().getFileName());
            if (p.description() != null) {
                out.println("  about:    " + p.description());
            }
            if (p.provider() != null) {
                out.println("  provider: " + p.provider());
            }
            if (!p.requires().isEmpty()) {
                out.println("  requires: mmproto " + p.requires());
            }
            for (DriverExtension d : p.drivers()) {
                out.println("  driver " + d.id() + "  (" + d.className() + ")");
                out.println("    hooks: " + (d.hooks().isEmpty() ? "none"
                        : d.hooks().stream().map(Hook::kernelName).collect(Collectors.joining(", "))));
                out.println("    opt-ins: " + DryBind.describe(d, budget));
            }
            for (DesignExtension d : p.designs()) {
                out.println("  design " + d.name() + "  (" + d.className() + ")");
                if (!d.summary().isBlank()) {
                    out.println("    " + d.summary());
                }
            }
        }
        out.println();
        long started = catalog.started().size();
        long failed = catalog.failed().size();
        out.println(catalog.plugins().size() + " jar" + (catalog.plugins().size() == 1 ? "" : "s") + ": " + started
                + " started, " + (catalog.plugins().size() - started - failed) + " disabled, " + failed + " failed");
    }
}
