package org.mmproto.api.driver;

import java.util.Locale;

/**
 * The memory hotplug state of a device's node, as the anondax provider's {@code hotplug}
 * attribute names it: the memory present but not onlined, onlined into ZONE_MOVABLE, or onlined
 * into ZONE_NORMAL (the kernel's "online_kernel"). A zone change goes through UNPLUGGED.
 */
public enum HotplugState {
    UNPLUGGED, ONLINE_MOVABLE, ONLINE_KERNEL;

    /** The sysfs spelling: {@code unplugged}, {@code online_movable}, {@code online_kernel}. */
    public String sysfsName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean online() {
        return this != UNPLUGGED;
    }

    /** By its sysfs spelling, or null for any other text. */
    public static HotplugState parse(String text) {
        for (HotplugState s : values()) {
            if (s.sysfsName().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
