package io.flexsc.bench.compare;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the numeric members of a flat JSON object (the load client's report); writes strings. */
public final class FlatJson {
    private FlatJson() {}

    private static final Pattern NUMBER = Pattern.compile(
            "\"([^\"]+)\"\\s*:\\s*(-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|NaN|\"NaN\")");

    /** The object's numeric members, by name, in order. */
    public static Map<String, Double> numbers(String json) {
        Map<String, Double> out = new LinkedHashMap<>();
        Matcher m = NUMBER.matcher(json);
        while (m.find()) {
            String v = m.group(2).replace("\"", "");
            out.put(m.group(1), v.equals("NaN") ? Double.NaN : Double.parseDouble(v));
        }
        return out;
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A JSON number, null for NaN and infinities. */
    public static String number(double d) {
        return Double.isNaN(d) || Double.isInfinite(d) ? "null" : Double.toString(d);
    }
}
