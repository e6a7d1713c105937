package org.mmproto.core.hooks;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Site;

/**
 * What the dispatcher counted in a run: per site, the design's decisions (allowed/denied); per
 * site and hook, the driver consultations and their answers; and the sites touched — the
 * design's simulated patch footprint.
 */
public final class HookStats {
    /** Counts of one site, or one (site, hook) pair. */
    public static final class Tally {
        long consulted;
        long allowed;
        long denied;
        long contained;

        public long consulted() {
            return consulted;
        }

        public long allowed() {
            return allowed;
        }

        public long denied() {
            return denied;
        }

        /** Calls that threw, returned null or overran the budget. */
        public long contained() {
            return contained;
        }
    }

    private final Map<Site, Tally> sites = new EnumMap<>(Site.class);
    private final Map<Site, Map<Hook, Tally>> hooks = new EnumMap<>(Site.class);

    Tally site(Site s) {
        return sites.computeIfAbsent(s, x -> new Tally());
    }

    Tally hook(Site s, Hook h) {
        return hooks.computeIfAbsent(s, x -> new EnumMap<>(Hook.class)).computeIfAbsent(h, x -> new Tally());
    }

    void decided(Site s, boolean allowed) {
        Tally t = site(s);
        t.consulted++;
        if (allowed) {
            t.allowed++;
        } else {
            t.denied++;
        }
    }

    public Map<Site, Tally> sites() {
        return Map.copyOf(sites);
    }

    public Map<Hook, Tally> hooksAt(Site s) {
        return Map.copyOf(hooks.getOrDefault(s, Map.of()));
    }

    /** The sites the design was consulted at: its patch footprint. */
    public Set<Site> footprint() {
        return sites.isEmpty() ? EnumSet.noneOf(Site.class) : EnumSet.copyOf(sites.keySet());
    }

    public long consulted(Site s) {
        Tally t = sites.get(s);
        return t == null ? 0 : t.consulted;
    }

    public long hookCalls(Site s, Hook h) {
        Tally t = hooks.getOrDefault(s, Map.of()).get(h);
        return t == null ? 0 : t.consulted;
    }

    public long contained() {
        long n = 0;
        for (Map<Hook, Tally> m : hooks.values()) {
            for (Tally t : m.values()) {
                n += t.contained;
            }
        }
        return n;
    }
}
