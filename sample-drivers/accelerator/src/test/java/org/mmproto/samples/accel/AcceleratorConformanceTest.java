package org.mmproto.samples.accel;

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
}
