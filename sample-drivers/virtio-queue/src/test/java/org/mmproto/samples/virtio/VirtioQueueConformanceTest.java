package org.mmproto.samples.virtio;

import java.util.Set;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/**
 * The conformance kit on virtio-queue with its default configuration (private_allocs: refuse):
 * every rule under every design; the kit's mbind-fault step binds a shared memfd range too, which
 * the queue node takes.
 */
class VirtioQueueConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return VirtioQueueDriver.class;
    }

    @Override
    protected String pluginId() {
        return "virtio-queue";
    }

    /** R6.3's fault runs must reach this driver under every design (none may end as a skip). */
    @Override
    protected Set<String> required() {
        return Set.of("R6.3");
    }
}
