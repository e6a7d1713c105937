package org.mmproto.samples.anondax;

import java.util.Set;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on anondax (its default configuration; the kit onlines node 2 at boot, so the device starts in that zone): every rule under every design. */
class AnondaxConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return AnondaxDriver.class;
    }

    @Override
    protected String pluginId() {
        return "anondax";
    }

    /** R6.3's fault runs must reach this driver under every design (none may end as a skip). */
    @Override
    protected Set<String> required() {
        return Set.of("R6.3");
    }
}
