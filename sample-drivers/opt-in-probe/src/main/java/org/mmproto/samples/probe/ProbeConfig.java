package org.mmproto.samples.probe;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.mmproto.api.Errno;
import org.mmproto.api.driver.NodeCap;
import org.mmproto.api.driver.NpOps;

/**
 * The probe's per-node configuration, validated once at bind. Keys (all optional):
 * {@code np_ops} and {@code caps} (a list, or names separated by {@code |} or {@code ,}; empty or
 * {@code none} for no flag; {@code caps} absent = mapped from the v4 flags by the host),
 * {@code alloc_veto}, {@code migrate_to}, {@code longterm_pin} ({@code allow} / {@code accept},
 * or the errno name the hook answers with, e.g. {@code ENOSPC}), {@code reclaim_policy}
 * ({@code default}, or {@code swap}: reclaim may swap and write back, so anon pages are
 * reclaimable and demotable, as a v4 driver answers for a node opted into reclaim). Anything else
 * is an error that names the key and what was expected.
 *
 * @param refuseAlloc errno of alloc_veto, null = allow
 * @param refuseMigrateTo errno of migrate_to, null = accept
 * @param refusePin errno of longterm_pin, null = allow
 * @param caps null when the config gives none
 * @param reclaimMaySwap reclaim_policy {@code swap}
 */
record ProbeConfig(Set<NpOps> flags, Set<NodeCap> caps, Errno refuseAlloc, Errno refuseMigrateTo, Errno refusePin,
        boolean reclaimMaySwap) {
    static final List<String> KEYS = List.of("np_ops", "caps", "alloc_veto", "migrate_to", "longterm_pin", "reclaim_policy");

    static ProbeConfig parse(int nid, Map<String, Object> config) {
        String where = "opt-in-probe: node " + nid + ": ";
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(where + "unknown config key '" + key + "'; expected one of " + KEYS);
            }
        }
        Set<NpOps> flags = names(where + "np_ops", config.get("np_ops"), NpOps.class);
        Set<NodeCap> caps = config.containsKey("caps") ? names(where + "caps", config.get("caps"), NodeCap.class) : null;
        return new ProbeConfig(flags, caps, answer(where + "alloc_veto", config.get("alloc_veto"), "allow"),
                answer(where + "migrate_to", config.get("migrate_to"), "accept"),
                answer(where + "longterm_pin", config.get("longterm_pin"), "allow"),
                reclaimPolicy(where + "reclaim_policy", config.get("reclaim_policy")));
    }

    private static boolean reclaimPolicy(String what, Object value) {
        String s = value == null ? "default" : value.toString().strip();
        return switch (s) {
            case "default" -> false;
            case "swap" -> true;
            default -> throw new IllegalArgumentException(what + ": expected default or swap, got '" + s + "'");
        };
    }

    private static <E extends Enum<E>> Set<E> names(String what, Object value, Class<E> type) {
        Set<E> out = EnumSet.noneOf(type);
        for (String name : tokens(value)) {
            if (name.equalsIgnoreCase("none")) {
                continue;
            }
            try {
                out.add(Enum.valueOf(type, name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": unknown name '" + name + "'; expected "
                        + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))
                        + " or none");
            }
        }
        return out;
    }

    private static List<String> tokens(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(o -> String.valueOf(o).strip()).filter(s -> !s.isEmpty()).toList();
        }
        return Arrays.stream(value.toString().split("[|,]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** null for the accepting answer ({@code yes}), else the errno the hook refuses with. */
    private static Errno answer(String what, Object value, String yes) {
        if (value == null) {
            return null;
        }
        String s = value.toString().strip();
        if (s.equalsIgnoreCase(yes)) {
            return null;
        }
        try {
            return Errno.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": '" + s + "' is neither " + yes + " nor an errno name ("
                    + Arrays.stream(Errno.values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
        }
    }
}
