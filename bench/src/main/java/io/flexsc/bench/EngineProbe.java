package io.flexsc.bench;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.Engines;
import java.io.PrintStream;

/**
 * Tells {@code bench/run.sh} which engines can run here: for each engine named on the command line
 * (an {@link EngineSpec}, default {@code direct uring}), prints {@code <spec>} alone on standard
 * output if it is available, and {@code skipping engine '<spec>': <reason>} on standard error if
 * not. Exits with 0 when at least one is available, 1 when none is.
 */
public final class EngineProbe {
    private EngineProbe() {}

    public static void main(String[] args) {
        String[] specs = args.length == 0 ? new String[] {"direct", "uring"} : args;
        System.exit(probe(specs, System.out, System.err) > 0 ? 0 : 1);
    }

    /** Probes each spec; returns how many are available. */
    static int probe(String[] specs, PrintStream available, PrintStream skipped) {
        int n = 0;
        for (String s : specs) {
            EngineSpec spec = EngineSpec.parse(s);
            String reason;
            try {
                EngineFactory.Probe p = Engines.factory(spec.name()).probe();
                if (p.available()) {
                    available.println(s);
                    n++;
                    continue;
                }
                reason = p.reason();
            } catch (IllegalArgumentException e) {
                reason = e.getMessage();
            }
            skipped.println("skipping engine '" + s + "': " + reason);
        }
        return n;
    }
}
