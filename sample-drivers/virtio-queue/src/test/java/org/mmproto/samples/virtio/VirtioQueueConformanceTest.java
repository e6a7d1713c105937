package org.mmproto.samples.virtio;

import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on virtio-queue (its default configuration): every rule under every design. */
class VirtioQueueConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return VirtioQueueDriver.class;
    }

    @Override
    protected String pluginId() {
        return "virtio-queue";
    }
}
