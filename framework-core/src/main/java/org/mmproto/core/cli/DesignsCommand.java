package org.mmproto.core.cli;

import java.util.concurrent.Callable;
import org.mmproto.core.plugin.DesignRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code mmproto designs}: the installed designs, built in and from plugins. */
@Command(name = "designs", mixinStandardHelpOptions = true,
        header = "List the installed designs and the mail or patch each follows.",
        description = {"List the installed designs: name, one-line summary, the mail or patch",
            "it follows, and where it comes from (built in, or a plugin jar).", ""})
final class DesignsCommand implements Callable<Integer> {
    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() {
        var catalog = engine.factory().catalog();
        DesignRegistry reg = DesignRegistry.of(catalog);
        for (DesignRegistry.Entry e : reg.entries()) {
            System.out.printf("%-16s %s%n%-16s   source: %s%n%-16s   from: %s%n", e.name(), e.summary(), "", e.source(), "",
                    e.origin());
        }
        return 0;
    }
}
