package io.flexsc.bench.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * One echo load: connections, message size and messages in flight per connection (1 =
 * request/response).
 */
public record Scenario(int connections, int size, int depth) {

    /** A short name, e.g. {@code c64-64B-pipe16} or {@code c1000-4KiB-rr}. */
    public String name() {
        String s = size % 1024 == 0 ? (size / 1024) + "KiB" : size + "B";
        return "c" + connections + "-" + s + "-" + (depth == 1 ? "rr" : "pipe" + depth);
    }

    /** Parses {@link #name()}. */
    public static Scenario parse(String name) {
        String[] p = name.split("-");
        if (p.length != 3 || !p[0].startsWith("c")) {
            throw new IllegalArgumentException("scenario '" + name + "': expected c<N>-<size>-<rr|pipe<D>>");
        }
        int c = Integer.parseInt(p[0].substring(1));
        int s = p[1].endsWith("KiB") ? Integer.parseInt(p[1].substring(0, p[1].length() - 3)) * 1024
                : Integer.parseInt(p[1].replace("B", ""));
        int d = p[2].equals("rr") ? 1 : Integer.parseInt(p[2].replace("pipe", ""));
        return new Scenario(c, s, d);
    }

    /** The matrix: connections x sizes x depths, in that nesting. */
    public static List<Scenario> matrix(int[] connections, int[] sizes, int[] depths) {
        List<Scenario> out = new ArrayList<>();
        for (int c : connections) {
            for (int s : sizes) {
                for (int d : depths) {
                    out.add(new Scenario(c, s, d));
                }
            }
        }
        return out;
    }
}
