package io.flexsc.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An engine as the benchmarks' {@code engine} parameter names it: {@code name} or
 * {@code name:key=value[;key=value...]}, where each {@code key=value} becomes the system property
 * {@code flexsc.<name>.<key>=<value>} before the engine starts. For example
 * {@code uring:adaptive=false} starts the uring engine with {@code -Dflexsc.uring.adaptive=false}.
 *
 * <p>Immutable.
 */
record EngineSpec(String name, Map<String, String> properties) {

    EngineSpec {
        properties = Map.copyOf(properties);
    }

    /**
     * Parses a parameter value.
     *
     * @throws IllegalArgumentException if it is empty or a setting is not {@code key=value}
     */
    static EngineSpec parse(String spec) {
        String s = spec.trim();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty engine name in '" + spec + "'");
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (colon >= 0) {
            for (String setting : s.substring(colon + 1).split(";")) {
                int eq = setting.indexOf('=');
                if (eq <= 0 || eq == setting.length() - 1) {
                    throw new IllegalArgumentException("engine setting '" + setting + "' in '" + spec
                            + "' is not key=value");
                }
                props.put("flexsc." + name + "." + setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
        }
        return new EngineSpec(name, props);
    }

    /** Sets this spec's system properties (the JVM is the benchmark's own fork). */
    void applyProperties() {
        properties.forEach(System::setProperty);
    }
}
