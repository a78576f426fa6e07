package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.kmod.KmodEngineFactory;
import io.flexsc.nio.ffi.SysNr;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Engine selection: unknown names, forced unavailable engines, {@code auto}'s order and reasons,
 * and an io_uring setup refused (fault injection {@code -Dflexsc.uring.injectSetupFailure=true}).
 */
class SelectionTest {
    static final String INJECT = "flexsc.uring.injectSetupFailure";
    static final String INJECTED_REASON = "io_uring_setup refused (injected)";

    private static void loudSkip(String why) {
        System.err.println("*** flexsc engine suite: SKIPPED " + why);
        Assumptions.abort(why);
    }

    @Test
    void anUnknownEngineNameIsAnIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Engines.select("nope"));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Engines.factory("nope"));
        assertThrows(IllegalArgumentException.class, () -> Engines.select(""));
    }

    @Test
    void forcingAnUnavailableKmodNamesTheDevice() {
        EngineFactory kmod = Engines.factory(KmodEngineFactory.NAME);
        EngineFactory.Probe p = kmod.probe();
        if (p.available()) {
            loudSkip("kmod is available on this machine; the unavailable path cannot be checked here");
        }
        assertTrue(p.reason().contains("/dev/flexsc"), p.reason());
        EngineUnavailableException e = assertThrows(EngineUnavailableException.class, () -> Engines.select("kmod"));
        assertTrue(e.getMessage().contains("/dev/flexsc"), e.getMessage());
        EngineUnavailableException c = assertThrows(EngineUnavailableException.class, kmod::create);
        assertTrue(c.getMessage().contains("/dev/flexsc"), c.getMessage());
    }

    @Test
    void autoTakesTheFirstAvailableEngineAndSaysWhatItPassedOver() {
        List<EngineFactory> order = Engines.factories();
        assertEquals(List.of("kmod", "uring", "direct"), order.stream().map(EngineFactory::name).toList().subList(order.size() - 3, order.size()),
                "auto's order of preference ends kmod, uring, direct");
        EngineFactory first = order.stream().filter(f -> f.probe().available()).findFirst().orElseThrow();
        Engines.Selection s = Engines.select("auto");
        try {
            assertEquals(first.name(), s.engine().name(), "auto picks the first available engine: " + s.reason());
            assertEquals(ProcessHandle.current().pid(), s.engine().syscall(SysNr.GETPID, 0, 0, 0));
            for (EngineFactory f : order) {
                if (f == first || f.name().equals(first.name())) {
                    break;
                }
                assertTrue(s.reason().contains(f.name() + ": " + f.probe().reason()),
                        "the reason names the passed-over " + f.name() + " and why: " + s.reason());
            }
        } finally {
            s.engine().close();
        }
    }

    @Test
    void forcingEachAvailableEngineStartsIt() {
        for (String e : TestEngines.available().map(EngineUnderTest::engine).distinct().toList()) {
            Engines.Selection s = Engines.select(e);
            try {
                assertEquals(e, s.engine().name());
                assertTrue(s.reason().contains(e), s.reason());
            } finally {
                s.engine().close();
            }
        }
    }

    @Test
    void refusedRingSetupFallsBackPastUring() {
        EngineFactory uring = Engines.factory("uring");
        EngineFactory.Probe normal = uring.probe();
        String previous = System.getProperty(INJECT);
        System.setProperty(INJECT, "true");
        try {
            EngineFactory.Probe injected = uring.probe();
            if (!injected.reason().contains(INJECTED_REASON)) {
                if (!normal.available()) {
                    loudSkip("the uring engine is not available here (" + normal.reason() + "), so -D" + INJECT
                            + " cannot be checked; this test runs once the uring engine lands");
                }
                throw new AssertionError("the uring engine is available but ignores -D" + INJECT + "=true: probe says " + injected);
            }
            assertFalse(injected.available(), "an injected setup failure makes uring unavailable");
            EngineUnavailableException create = assertThrows(EngineUnavailableException.class, uring::create);
            assertTrue(create.getMessage().contains(INJECTED_REASON), create.getMessage());

            Engines.Selection s = Engines.select("auto");
            try {
                assertNotEquals("uring", s.engine().name(), "auto must fall back past a refused ring");
                if (s.engine().name().equals("kmod")) {
                    // auto prefers kmod: it never reached uring, so there is no uring reason to show
                    assertTrue(s.reason().startsWith("auto: "), s.reason());
                } else {
                    assertTrue(s.reason().contains(INJECTED_REASON), "the selection says why uring was passed over: " + s.reason());
                }
                assertEquals(ProcessHandle.current().pid(), s.engine().syscall(SysNr.GETPID, 0, 0, 0));
            } finally {
                s.engine().close();
            }
            EngineUnavailableException forced = assertThrows(EngineUnavailableException.class, () -> Engines.select("uring"));
            assertTrue(forced.getMessage().contains(INJECTED_REASON), forced.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty(INJECT);
            } else {
                System.setProperty(INJECT, previous);
            }
        }
        assertEquals(normal.available(), uring.probe().available(), "the injection ends with the property");
    }
}
