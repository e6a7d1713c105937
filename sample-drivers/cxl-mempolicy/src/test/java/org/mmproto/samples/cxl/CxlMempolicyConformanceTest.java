package org.mmproto.samples.cxl;

import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on cxl-mempolicy: every rule under every design. */
class CxlMempolicyConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return CxlMempolicyDriver.class;
    }

    @Override
    protected String pluginId() {
        return "cxl-mempolicy";
    }
}
