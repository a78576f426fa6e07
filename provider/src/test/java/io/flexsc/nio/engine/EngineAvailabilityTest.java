package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.SysNr;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One entry per engine in {@link Engines#factories()}: an engine under test must start, carry its
 * name and run a call; an engine left out of this run is reported as a skipped test whose message
 * is the reason (never a silent omission). New engines appear here with no change.
 */
class EngineAvailabilityTest {

    @TestFactory
    List<DynamicTest> everyEngineIsTestedOrSkippedWithItsReason() {
        List<DynamicTest> out = new ArrayList<>();
        for (TestEngines.Status s : TestEngines.statuses()) {
            String name = s.factory().name();
            out.add(DynamicTest.dynamicTest(name, () -> {
                EngineFactory.Probe p = s.probe();
                assertNotNull(p.reason(), "a probe always gives a reason");
                assertFalse(p.reason().isBlank(), "a probe always gives a reason");
                assertFalse(p.reason().startsWith("probe() threw"), name + ": " + p.reason());
                String missing = TestEngines.missingRequired(s);
                if (missing != null) {
                    throw new AssertionError(missing);
                }
                if (!s.testable()) {
                    String msg = "engine '" + name + "' NOT TESTED: " + s.notTestedBecause();
                    System.err.println("*** flexsc engine suite: " + msg);
                    Assumptions.abort(msg);
                }
                try (SyscallEngine e = new EngineUnderTest(name, s.factory()).start()) {
                    assertEquals(name, e.name());
                    assertEquals(ProcessHandle.current().pid(), e.syscall(SysNr.GETPID, 0, 0, 0));
                    assertEquals(name, e.stats().getEngine());
                }
            }));
        }
        assertTrue(out.stream().anyMatch(t -> t.getDisplayName().equals(DirectEngine.NAME)), "the direct engine is always listed");
        return out;
    }
}
