package org.mmproto.core.scenario;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.mmproto.api.design.Design;
import org.mmproto.api.driver.PrivateNodeDriver;
import org.mmproto.core.hooks.designs.BuiltInDesigns;
import org.mmproto.core.plugin.HostServicesHolder;

/**
 * What a run needs besides the scenario: the designs it may name (built in, plus plugin ones),
 * the driver plugins by id, the per-call driver budget, a --design override, and the driver
 * contexts the run's injector gives to drivers it constructs (null = none: no injection).
 */
public record RunSetup(Map<String, Supplier<Design>> designs, Map<String, Supplier<PrivateNodeDriver>> drivers,
                       Duration budget, String designOverride, HostServicesHolder context,
                       Map<String, String> driverJars) {
    public static final String DEFAULT_DESIGN = "ops-struct";

    public RunSetup {
        designs = Map.copyOf(designs);
        drivers = Map.copyOf(drivers);
        driverJars = Map.copyOf(driverJars);
    }

    /** How messages name a driver plugin: its id and the jar it came from, when known. */
    public String label(String pluginId) {
        String jar = driverJars.get(pluginId);
        return jar == null ? pluginId : pluginId + " (" + jar + ")";
    }

    /** Built-in designs only, no driver plugins, drivers called inline. */
    public static RunSetup builtIn() {
        return new RunSetup(builtInDesigns(), Map.of(), Duration.ZERO, null, null, Map.of());
    }

    public static Map<String, Supplier<Design>> builtInDesigns() {
        Map<String, Supplier<Design>> m = new TreeMap<>();
        for (Design d : BuiltInDesigns.all()) {
            Class<? extends Design> type = d.getClass();
            m.put(d.name(), () -> {
                try {
                    return type.getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot create design " + type, e);
                }
            });
        }
        return m;
    }

    public RunSetup withDesign(String name) {
        return new RunSetup(designs, drivers, budget, name, context, driverJars);
    }

    public RunSetup withDrivers(Map<String, Supplier<PrivateNodeDriver>> more) {
        return new RunSetup(designs, more, budget, designOverride, context, driverJars);
    }

    public RunSetup withDesigns(Map<String, Supplier<Design>> more) {
        return new RunSetup(more, drivers, budget, designOverride, context, driverJars);
    }

    public RunSetup withBudget(Duration b) {
        return new RunSetup(designs, drivers, b, designOverride, context, driverJars);
    }

    /** The design a scenario runs under: --design, else the scenario's design:, else ops-struct. */
    public String designFor(Scenario s) {
        return Optional.ofNullable(designOverride).or(() -> Optional.ofNullable(s.design())).orElse(DEFAULT_DESIGN);
    }
}
