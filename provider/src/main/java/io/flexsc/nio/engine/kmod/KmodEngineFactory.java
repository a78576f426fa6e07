package io.flexsc.nio.engine.kmod;

import io.flexsc.nio.engine.EngineFactory;
import io.flexsc.nio.engine.EngineUnavailableException;
import io.flexsc.nio.engine.SyscallEngine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code kmod} engine: the FlexSC kernel module behind {@code /dev/flexsc}.
 *
 * <p>Settings: {@code -Dflexsc.kmod.entries} (syscall area entries, default 256),
 * {@code -Dflexsc.kmod.workers} (syscall threads, default 1), {@code -Dflexsc.kmod.cpus} (comma list
 * of CPUs to pin them to; default none), {@code -Dflexsc.kmod.spinUs} (spin before sleeping, default
 * the module's).
 */
public final class KmodEngineFactory implements EngineFactory {
    public static final String NAME = KmodEngine.NAME;

    @Override
    public String name() {
        return NAME;
    }

    /** First in {@code auto}'s order: the module is there only where someone loaded it to be used. */
    @Override
    public int preference() {
        return 0;
    }

    @Override
    public Probe probe() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("device", FlexscAbi.DEVICE);
        if (!io.flexsc.nio.ffi.SysNr.SUPPORTED_ARCH) {
            return Probe.no("the module's ABI is x86_64 only", details);
        }
        int fd;
        try {
            fd = FlexscSession.openDevice();
        } catch (FlexscSession.SessionException e) {
            details.put("device", FlexscAbi.DEVICE + " " + (e.errno == io.flexsc.nio.ffi.Errno.ENOENT ? "absent" : "not usable"));
            return Probe.no(e.getMessage(), details);
        } catch (RuntimeException | LinkageError e) {
            return Probe.no("cannot reach " + FlexscAbi.DEVICE + ": " + e, details);
        }
        try {
            int v = FlexscSession.abiVersion(fd);
            details.put("abi version", v + (v == FlexscAbi.ABI_VERSION ? "" : " (this build needs " + FlexscAbi.ABI_VERSION + ")"));
            if (v != FlexscAbi.ABI_VERSION) {
                return Probe.no(FlexscAbi.DEVICE + " speaks ABI version " + v + "; this build needs " + FlexscAbi.ABI_VERSION, details);
            }
        } catch (FlexscSession.SessionException e) {
            return Probe.no(e.getMessage(), details);
        } finally {
            FlexscSession.closeFd(fd);
        }
        try (FlexscSession s = FlexscSession.open(1, null)) {
            details.put("registration", "works");
        } catch (FlexscSession.SessionException e) {
            details.put("registration", "refused");
            return Probe.no(e.getMessage(), details);
        }
        return Probe.yes(FlexscAbi.DEVICE + " ABI " + FlexscAbi.ABI_VERSION + ", registration works", details);
    }

    @Override
    public SyscallEngine create() {
        int entries = Integer.getInteger("flexsc.kmod.entries", 256);
        int workers = Integer.getInteger("flexsc.kmod.workers", 1);
        int spinUs = Integer.getInteger("flexsc.kmod.spinUs", 0);
        int[] cpus = parseCpus(System.getProperty("flexsc.kmod.cpus", ""));
        try {
            KmodAllowlist.size(); // read the packaged allowlist now: a broken jar fails here, not in a call
        } catch (LinkageError e) {
            throw new EngineUnavailableException("flexsc kmod engine cannot start: its allowlist cannot be read: "
                    + (e.getCause() != null ? e.getCause() : e), e);
        }
        try {
            return new KmodEngine(FlexscSession.open(entries, cpus), workers, spinUs);
        } catch (FlexscSession.SessionException e) {
            throw new EngineUnavailableException("flexsc kmod engine cannot start: " + e.getMessage());
        }
    }

    static int[] parseCpus(String s) {
        s = s.trim();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return java.util.Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("flexsc.kmod.cpus must be a comma list of CPU numbers: " + s, e);
        }
    }
}
