package io.flexsc.nio.engine.uring;

import java.util.BitSet;

/**
 * Settings of one {@code uring} engine. Immutable.
 *
 * <p>From system properties ({@link #fromSystemProperties()}):
 * <ul>
 *   <li>{@code flexsc.uring.entries} (default 256): SQ size; the CQ is twice as large.</li>
 *   <li>{@code flexsc.uring.adaptive} (default {@value #DEFAULT_ADAPTIVE}): run a lone, uncontended
 *       call directly on the caller's thread instead of through the ring.</li>
 *   <li>{@code flexsc.uring.sqpoll} (default false): a kernel thread polls the SQ
 *       ({@code IORING_SETUP_SQPOLL}); {@code flexsc.uring.sqpollIdleMillis} (default 50) is how long
 *       it polls an empty ring before it sleeps.</li>
 *   <li>{@code flexsc.uring.closeTimeoutMillis} (default 1000): how long {@code close()} waits for
 *       calls in the kernel before it cancels them, and then again before it gives up on them.</li>
 * </ul>
 *
 * @param entries SQ entries (a power of two after the kernel rounds it)
 * @param adaptive run a lone uncontended call directly
 * @param sqpoll request SQPOLL mode
 * @param sqpollIdleMillis SQPOLL thread idle time
 * @param closeTimeoutMillis bound of each waiting phase of close
 * @param disabledOpcodes opcodes not to use even if the kernel has them (tests; never null)
 */
record UringConfig(int entries, boolean adaptive, boolean sqpoll, int sqpollIdleMillis, long closeTimeoutMillis,
        BitSet disabledOpcodes) {

    /**
     * On: a quick single-thread measurement (1-byte pread, 2 shared cores, syscalls ~2 us) gave
     * ~7 us/call adaptive against ~14 us/call through the ring; with 2-4 threads the ring was ahead
     * (~8 against ~11 us) but runs were noisy. The JMH benchmarks decide for good.
     */
    static final boolean DEFAULT_ADAPTIVE = true;

    UringConfig {
        if (entries < 1 || entries > 32768) {
            throw new IllegalArgumentException("flexsc.uring.entries must be in 1..32768: " + entries);
        }
        if (sqpollIdleMillis < 0 || closeTimeoutMillis < 0) {
            throw new IllegalArgumentException("negative time");
        }
        disabledOpcodes = (BitSet) disabledOpcodes.clone();
    }

    @Override
    public BitSet disabledOpcodes() {
        return (BitSet) disabledOpcodes.clone();
    }

    static UringConfig fromSystemProperties() {
        return new UringConfig(
                Integer.getInteger("flexsc.uring.entries", 256),
                bool("flexsc.uring.adaptive", DEFAULT_ADAPTIVE),
                bool("flexsc.uring.sqpoll", false),
                Integer.getInteger("flexsc.uring.sqpollIdleMillis", 50),
                Long.getLong("flexsc.uring.closeTimeoutMillis", 1000L),
                new BitSet());
    }

    private static boolean bool(String name, boolean dflt) {
        String v = System.getProperty(name);
        return v == null ? dflt : Boolean.parseBoolean(v.trim());
    }

    UringConfig withEntries(int n) {
        return new UringConfig(n, adaptive, sqpoll, sqpollIdleMillis, closeTimeoutMillis, disabledOpcodes);
    }

    UringConfig withAdaptive(boolean a) {
        return new UringConfig(entries, a, sqpoll, sqpollIdleMillis, closeTimeoutMillis, disabledOpcodes);
    }

    UringConfig withSqpoll(boolean s) {
        return new UringConfig(entries, adaptive, s, sqpollIdleMillis, closeTimeoutMillis, disabledOpcodes);
    }

    UringConfig withCloseTimeoutMillis(long ms) {
        return new UringConfig(entries, adaptive, sqpoll, sqpollIdleMillis, ms, disabledOpcodes);
    }

    /** This configuration without the given opcodes (to test per-call fallback). */
    UringConfig withoutOpcodes(int... ops) {
        BitSet d = disabledOpcodes();
        for (int op : ops) {
            d.set(op);
        }
        return new UringConfig(entries, adaptive, sqpoll, sqpollIdleMillis, closeTimeoutMillis, d);
    }
}
