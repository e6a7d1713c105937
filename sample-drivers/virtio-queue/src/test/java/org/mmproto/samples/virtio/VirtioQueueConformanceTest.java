package org.mmproto.samples.virtio;

import java.util.Map;
import java.util.Set;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.conformance.junit.DriverConformanceTest;

/** The conformance kit on virtio-queue (private_allocs: allow, below): every rule under every design. */
class VirtioQueueConformanceTest extends DriverConformanceTest {
    @Override
    protected Class<? extends PrivateNodeDriver> driver() {
        return VirtioQueueDriver.class;
    }

    @Override
    protected String pluginId() {
        return "virtio-queue";
    }

    /**
     * The kit's mbind-fault step binds an anonymous range, which the queue node refuses by default
     * (only the shared memfd's page cache goes there: private_allocs refuse); R6.2's "an mbind'ed
     * allocation reaches the node" holds for the shared memfd, which that step does not bind. So
     * the kit runs with the anonymous veto off; VirtioQueueDriverTest covers it.
     */
    @Override
    protected Map<String, Object> config() {
        return Map.of("private_allocs", "allow");
    }

    /** R6.3's fault runs must reach this driver under every design (none may end as a skip). */
    @Override
    protected Set<String> required() {
        return Set.of("R6.3");
    }
}
