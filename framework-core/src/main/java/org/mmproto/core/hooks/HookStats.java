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
    private final Set<Site> touched = EnumSet.noneOf(Site.class);

    Tally site(Site s) {
        return sites.computeIfAbsent(s, x -> new Tally());
    }

    Tally hook(Site s, Hook h) {
        return hooks.computeIfAbsent(s, x -> new EnumMap<>(Hook.class)).computeIfAbsent(h, x -> new Tally());
    }

    /** A design decision at s; a denial is a departure from mainline (which would allow it). */
    void decided(Site s, boolean allowed) {
        Tally t = site(s);
        t.consulted++;
        if (allowed) {
            t.allowed++;
        } else {
            t.denied++;
            touched.add(s);
        }
    }

    /** The design did something at s that the unpatched kernel does not. */
    void touch(Site s) {
        touched.add(s);
    }

    public Map<Site, Tally> sites() {
        return Map.copyOf(sites);
    }

    public Map<Hook, Tally> hooksAt(Site s) {
        return Map.copyOf(hooks.getOrDefault(s, Map.of()));
    }

    /**
     * The design's patch footprint: the sites where it departed from what the unpatched kernel
     * does (a denial, a kept folio, a different pin decision, write protection, a notification)
     * or called a driver hook. Sites it was merely consulted at and left alone are not in it.
     */
    public Set<Site> footprint() {
        Set<Site> f = EnumSet.noneOf(Site.class);
        f.addAll(touched);
        hooks.forEach((site, m) -> {
            if (m.values().stream().anyMatch(t -> t.consulted > 0)) {
                f.add(site);
            }
        });
        return f;
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
