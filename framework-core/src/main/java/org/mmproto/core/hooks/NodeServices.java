package org.mmproto.core.hooks;

import org.mmproto.core.mm.FolioRelease;
import org.mmproto.core.mm.PageAllocator;
import org.mmproto.core.mm.PhysicalMemory;

/** The booted engine pieces a driver context is made of; {@code work} null: no delayed work runs. */
public record NodeServices(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease,
                           OwnerAllocations owner, NodeHotplug hotplug, DeviceWork work) {
    public NodeServices(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease, OwnerAllocations owner,
            NodeHotplug hotplug) {
        this(mem, alloc, folioRelease, owner, hotplug, null);
    }

    public NodeServices(PhysicalMemory mem, PageAllocator alloc, FolioRelease folioRelease, OwnerAllocations owner) {
        this(mem, alloc, folioRelease, owner, NodeHotplug.NONE);
    }
}
