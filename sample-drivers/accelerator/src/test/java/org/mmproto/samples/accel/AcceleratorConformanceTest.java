package org.mmproto.samples.accel;

import java.util.Set;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on accelerator (its default configuration): every rule under every design. */
class AcceleratorConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return AcceleratorDriver.class;
    }

    @Override
    protected String pluginId() {
        return "accelerator";
    }

    /** R6.3's fault runs must reach this driver under every design (none may end as a skip). */
    @Override
    protected Set<String> required() {
        return Set.of("R6.3");
    }
}
