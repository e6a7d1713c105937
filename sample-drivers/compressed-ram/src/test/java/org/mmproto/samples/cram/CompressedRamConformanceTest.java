package org.mmproto.samples.cram;

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
}
