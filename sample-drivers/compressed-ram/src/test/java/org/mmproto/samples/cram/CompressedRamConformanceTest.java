package org.mmproto.samples.cram;

import java.util.Set;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on compressed-ram (its default configuration): every rule under every design. */
class CompressedRamConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return CompressedRamDriver.class;
    }

    @Override
    protected String pluginId() {
        return "compressed-ram";
    }

    /** R6.3's fault runs must reach this driver under every design (none may end as a skip). */
    @Override
    protected Set<String> required() {
        return Set.of("R6.3");
    }
}
