package org.mmproto.samples.probe;

import java.util.Map;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on opt-in-probe, opted into migration and mempolicy (its matrix configuration). */
class OptInProbeConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return OptInProbeDriver.class;
    }

    @Override
    protected String pluginId() {
        return "opt-in-probe";
    }

    @Override
    protected Map<String, Object> config() {
        return Map.of("np_ops", "NP_OPS_MIGRATION|NP_OPS_MEMPOLICY");
    }
}
