package org.mmproto.core.hooks.designs;

import java.util.List;
import org.mmproto.api.design.Design;

/** The designs that ship with mmproto, in the order `compare` shows them: the baseline first. */
public final class BuiltInDesigns {
    private BuiltInDesigns() {
    }

    public static List<Design> all() {
        return List.of(new Unpatched(), new OpsStruct(), new GfpFlag(), new BuddyVeto(), new FallbackOnly(),
                new MemallocScope(), new ZonelistPrivate());
    }
}
