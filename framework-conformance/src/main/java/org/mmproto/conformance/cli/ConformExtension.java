package org.mmproto.conformance.cli;

import org.mmproto.core.cli.CommandExtension;

/** Adds {@code conform} to {@code mmproto} (META-INF/services). */
public final class ConformExtension implements CommandExtension {
    @Override
    public String name() {
        return "conform";
    }

    @Override
    public Object command() {
        return new ConformCommand();
    }
}
