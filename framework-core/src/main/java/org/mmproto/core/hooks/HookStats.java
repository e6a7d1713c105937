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
        long departed;

        public long consulted() {
            return consulted;
        }

        public long allowed() {
            return allowed;
        }

        public long denied() {
            return denied;
        }

        /** Decisions whose answer or driver consultation differed from the unpatched kernel's. */
        public long departed() {
            return departed;
        }

        /** Calls that threw, returned null or overran the budget. */
        public long contained() {
            return contained;
        }
    }

    private final Map<Site, Tally> sites = new EnumMap<>(Site.class);
    private final Map<Site, Map<Hook, Tally>> hooks = new EnumMap<>(Site.class);
    private final Set<Site> touched = EnumSet.noneOf(Site.class);

    Tally site(Site s) {
        return sites.computeIfAbsent(s, x -> new Tally());
    }

    Tally hook(Site s, Hook h) {
        return hooks.computeIfAbsent(s, x -> new EnumMap<>(Hook.class)).computeIfAbsent(h, x -> new Tally());
    }

    /**
     * One design decision at s; {@code departed} when its answer or its driver consultation
     * differed from the unpatched kernel's on the same event.
     */
    void decided(Site s, boolean allowed, boolean departed) {
        Tally t = site(s);
        t.consulted++;
        if (allowed) {
            t.allowed++;
        } else {
            t.denied++;
        }
        if (departed) {
            t.departed++;
            touched.add(s);
        }
    }

    /** A driver was consulted at s within an event already decided there (a notification). */
    void touch(Site s) {
        site(s).departed++;
        touched.add(s);
    }

    public Map<Site, Tally> sites() {
        return Map.copyOf(sites);
    }

    public Map<Hook, Tally> hooksAt(Site s) {
        return Map.copyOf(hooks.getOrDefault(s, Map.of()));
    }

    /**
     * The design's patch footprint: the sites where, on some event, its answer or its
     * consulting a driver differed from what the unpatched kernel does on the same event.
     * Sites it decided exactly as mainline would are not in it.
     */
    public Set<Site> footprint() {
        return EnumSet.copyOf(touched.isEmpty() ? EnumSet.noneOf(Site.class) : touched);
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
