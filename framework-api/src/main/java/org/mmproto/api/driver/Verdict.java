package org.mmproto.api.driver;

import org.mmproto.api.Errno;

/** A driver's or design's answer at a site: allow, or deny with an errno and a reason. */
public sealed interface Verdict {
    Allow ALLOW = new Allow();

    static Verdict deny(Errno errno, String reason) {
        return new Deny(errno, reason);
    }

    default boolean allowed() {
        return this instanceof Allow;
    }

    record Allow() implements Verdict {
    }

    record Deny(Errno errno, String reason) implements Verdict {
    }
}
