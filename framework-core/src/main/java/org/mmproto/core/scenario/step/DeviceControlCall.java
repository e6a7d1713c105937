package org.mmproto.core.scenario.step;

import org.mmproto.api.Errno;
import org.mmproto.api.driver.Requests.ControlRequest;
import org.mmproto.api.driver.Verdict;
import org.mmproto.core.scenario.RunContext;

/** A write to a control attribute of a private node's device, as the hotplug and driver_control steps make it. */
final class DeviceControlCall {
    private DeviceControlCall() {
    }

    /** 0 or -errno; ENODEV when the node has no driver (no device file). */
    static long write(RunContext run, int nid, String attr, String value) {
        var k = run.kernel();
        if (k.boundDriver(nid).isEmpty() || k.dispatcher() == null) {
            return -Errno.ENODEV.code();
        }
        Verdict v = k.dispatcher().deviceFiles().control(new ControlRequest(nid, attr, value, k.dispatcher().current()));
        return v instanceof Verdict.Deny d ? -d.errno().code() : 0;
    }
}
