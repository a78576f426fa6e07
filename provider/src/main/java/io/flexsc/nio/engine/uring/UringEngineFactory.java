package io.flexsc.nio.engine.uring;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code uring} engine's factory: probes io_uring with a tiny ring (set up, probe the opcodes,
 * torn down) and starts {@link UringEngine}s configured from system properties ({@link UringConfig}).
 *
 * <p>Test-only fault injection: {@code -Dflexsc.uring.injectSetupFailure=true} makes the probe report
 * unavailable and {@link #create()} throw, exactly as when {@code io_uring_setup} is refused.
 *
 * <p>Stateless and thread-safe.
 */
public final class UringEngineFactory implements EngineFactory {
    static final String INJECT_PROPERTY = "flexsc.uring.injectSetupFailure";
    static final String INJECTED_REASON = "io_uring_setup refused (injected)";

    @Override
    public String name() {
        return UringEngine.NAME;
    }

    /** After kmod, before direct. */
    @Override
    public int preference() {
        return 1;
    }

    @Override
    public Probe probe() {
        Map<String, String> details = new LinkedHashMap<>();
        if (Boolean.getBoolean(INJECT_PROPERTY)) {
            return Probe.no(INJECTED_REASON, details);
        }
        if (!SysNr.SUPPORTED_ARCH) {
            return Probe.no("system call numbers are for x86_64; os.arch is " + System.getProperty("os.arch"), details);
        }
        UringConfig config;
        try {
            config = UringConfig.fromSystemProperties();
            RawSyscall.load();
        } catch (RuntimeException | LinkageError e) {
            return Probe.no("cannot start: " + e, details);
        }
        try (Ring ring = Ring.open(4, 0, 0, 0)) {
            BitSet supported = ring.probeOpcodes();
            if (supported == null) {
                return Probe.no("the kernel cannot list io_uring opcodes (IORING_REGISTER_PROBE, Linux 5.6+)", details);
            }
            OpcodeMap ops = new OpcodeMap(supported, ring.hasFeature(Uring.FEAT_RW_CUR_POS));
            details.put("opcodes", ops.describe());
            details.put("features", Uring.featureNames(ring.features));
            details.put("sqpoll", config.sqpoll() ? sqpollWorks() : "off (-Dflexsc.uring.sqpoll=true to request)");
            details.put("entries", Integer.toString(config.entries()));
            details.put("adaptive", Boolean.toString(config.adaptive()));
            return Probe.yes("io_uring available (kernel " + kernel() + ")", details);
        } catch (Ring.SetupException e) {
            return Probe.no(e.getMessage(), details);
        } catch (RuntimeException | LinkageError e) {
            return Probe.no("io_uring probe failed: " + e, details);
        }
    }

    private static String sqpollWorks() {
        try (Ring r = Ring.open(4, 0, Uring.SETUP_SQPOLL, 10)) {
            return "requested, works";
        } catch (Ring.SetupException e) {
            return "requested, refused (" + e.getMessage() + "); the engine runs without it";
        }
    }

    private static String kernel() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (java.io.IOException | RuntimeException e) {
            return System.getProperty("os.version");
        }
    }

    @Override
    public SyscallEngine create() {
        return create(UringConfig.fromSystemProperties());
    }

    /** Starts an engine with explicit settings (tests, benchmarks). */
    static UringEngine create(UringConfig config) {
        if (Boolean.getBoolean(INJECT_PROPERTY)) {
            throw new EngineUnavailableException("flexsc uring engine cannot start: " + INJECTED_REASON);
        }
        if (!SysNr.SUPPORTED_ARCH) {
            throw new EngineUnavailableException("flexsc uring engine cannot start: system call numbers are for x86_64");
        }
        try {
            return new UringEngine(config);
        } catch (Ring.SetupException e) {
            throw new EngineUnavailableException("flexsc uring engine cannot start: " + e.getMessage(), e);
        }
    }
}
