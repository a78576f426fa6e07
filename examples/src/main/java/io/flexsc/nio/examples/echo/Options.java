package io.flexsc.nio.examples.echo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A small {@code --name value} / {@code --flag} command-line parser with clear errors. */
final class Options {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags;

    /**
     * @param args the command line
     * @param valued option names that take a value (without the leading dashes)
     * @param flags option names that take none
     */
    Options(String[] args, Set<String> valued, Set<String> flags) {
        this.flags = flags;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new IllegalArgumentException("option --" + name + " takes no value");
                }
                values.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("option --" + name + " needs a value");
                    }
                    value = args[++i];
                }
                values.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }

    boolean flag(String name) {
        assert flags.contains(name);
        return values.containsKey(name);
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    int integer(String name, int dflt, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + ": '" + v + "' is not an integer");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("option --" + name + ": " + n + " is outside " + min + ".." + max);
        }
        return n;
    }

    double decimal(String name, double dflt, double min, double max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + ": '" + v + "' is not a number");
        }
        if (!(d >= min && d <= max)) {
            throw new IllegalArgumentException("option --" + name + ": " + v + " is outside " + min + ".." + max);
        }
        return d;
    }

    /** The given options as an ordered map, for messages. */
    Map<String, String> asMap() {
        return new LinkedHashMap<>(values);
    }
}
