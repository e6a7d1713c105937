package org.mmproto.core.hooks;

import org.mmproto.api.driver.Decisions.DeviceMapping;
import org.mmproto.api.driver.Requests;
import org.mmproto.api.driver.Site;
import org.mmproto.api.driver.Verdict;

/**
 * Site.DEVICE_FILE (CONTRACT R7.1-R7.3): mmap of a private node's device file and writes to its
 * attributes. The device's own answers run under every design (the file is the driver's); for
 * an mmap the design decides what the kernel installs of the answer, one decision recorded,
 * departing from mainline where the installed mapping differs from mainline's (MPOL_F_PRIVATE).
 */
public final class DeviceFiles {
    private final Dispatcher dispatcher;

    DeviceFiles(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** The mapping the kernel installs for an mmap of node {@code r.nid()}'s device, or the refusal. */
    public DeviceMapping mmap(Requests.DeviceMmapRequest r) {
        DeviceMapping device = dispatcher.accessAt(r.nid(), Site.DEVICE_FILE).deviceMmap(r);
        DeviceMapping v = dispatcher.design().deviceMmap(r, device);
        dispatcher.stats().decided(Site.DEVICE_FILE, v.accept(), !v.equals(Dispatcher.mainline().deviceMmap(r, device)));
        return v;
    }

    /** A write to one of the device's attributes: the driver's alone, no design decision. */
    public Verdict control(Requests.ControlRequest r) {
        return dispatcher.accessAt(r.nid(), Site.DEVICE_FILE).deviceControl(r);
    }
}
