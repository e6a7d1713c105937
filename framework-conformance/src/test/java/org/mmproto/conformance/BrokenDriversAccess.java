package org.mmproto.conformance;

import java.nio.file.Path;

/** The broken-driver jars for tests of other packages (the CLI's). */
public final class BrokenDriversAccess {
    private BrokenDriversAccess() {
    }

    public static Path build(Path dir) throws Exception {
        return BrokenDrivers.build(dir);
    }
}
