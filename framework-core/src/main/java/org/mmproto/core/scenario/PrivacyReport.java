package org.mmproto.core.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mmproto.api.driver.Hook;
import org.mmproto.api.driver.Site;
import org.mmproto.core.hooks.Containment;
import org.mmproto.core.hooks.Dispatcher;
import org.mmproto.core.hooks.HookStats;

/**
 * What the run's design did with the private nodes: the per-node invariants that broke (with the
 * step line that broke them), the dispatcher's decisions and driver consultations per site and
 * hook, the sites where the design departs from the unpatched kernel (its patch footprint, see
 * {@link HookStats#footprint()}) and the contained driver failures.
 */
public record PrivacyReport(String design, List<Breach> breaches, Map<String, SiteCount> sites, List<String> footprint,
                            List<String> contained) {
    public PrivacyReport {
        breaches = List.copyOf(breaches);
        sites = Collections.unmodifiableMap(new LinkedHashMap<>(sites));
        footprint = List.copyOf(footprint);
        contained = List.copyOf(contained);
    }

    /**
     * A broken per-node invariant: leak, escape, unsafe write, unnotified free; {@code expected}
     * when the scenario's expectations named it (an unexpected one fails the run).
     */
    public record Breach(int line, String kind, int nid, long pfn, String detail, boolean expected) {
        public Breach(int line, String kind, int nid, long pfn, String detail) {
            this(line, kind, nid, pfn, detail, false);
        }
    }

    /** Breaches no expectation named. */
    public List<Breach> unexpected() {
        return breaches.stream().filter(b -> !b.expected()).toList();
    }

    /**
     * Decisions at one site ({@code departed}: those whose answer or driver consultation differed
     * from the unpatched kernel's), and the driver hooks consulted there.
     */
    public record SiteCount(long consulted, long allowed, long denied, long departed, Map<String, HookCount> hooks) {
    }

    public record HookCount(long consulted, long allowed, long denied, long contained) {
    }

    public long count(String kind) {
        return breaches.stream().filter(b -> b.kind().equals(kind)).count();
    }

    static PrivacyReport of(Dispatcher d, List<Breach> recorded, Set<Integer> acknowledged) {
        List<Breach> breaches = new ArrayList<>();
        for (int i = 0; i < recorded.size(); i++) {
            Breach b = recorded.get(i);
            breaches.add(new Breach(b.line(), b.kind(), b.nid(), b.pfn(), b.detail(), acknowledged.contains(i)));
        }
        HookStats st = d.stats();
        Map<String, SiteCount> sites = new LinkedHashMap<>();
        List<String> footprint = new ArrayList<>();
        for (Site s : Site.values()) {
            HookStats.Tally t = st.sites().get(s);
            Map<Hook, HookStats.Tally> hooks = st.hooksAt(s);
            if (t == null && hooks.isEmpty()) {
                continue;
            }
            if (st.footprint().contains(s)) {
                footprint.add(s.name().toLowerCase(Locale.ROOT) + " (" + s.file() + ")");
            }
            Map<String, HookCount> hc = new LinkedHashMap<>();
            for (Hook h : Hook.values()) {
                HookStats.Tally ht = hooks.get(h);
                if (ht != null) {
                    hc.put(h.kernelName(), new HookCount(ht.consulted(), ht.allowed(), ht.denied(), ht.contained()));
                }
            }
            sites.put(s.name().toLowerCase(Locale.ROOT), new SiteCount(t == null ? 0 : t.consulted(),
                    t == null ? 0 : t.allowed(), t == null ? 0 : t.denied(), t == null ? 0 : t.departed(), hc));
        }
        List<String> contained = new ArrayList<>();
        for (Containment.Incident i : d.containment().incidents()) {
            contained.add(i.pluginId() + " " + i.hook().kernelName() + " at " + i.site() + ": " + i.kind() + " (" + i.detail() + ")");
        }
        return new PrivacyReport(d.design().name(), breaches, sites, footprint, contained);
    }
}
