package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.ffi.SysNr;

/**
 * A batch is accepted whole or refused whole, by every engine alike: when one of its calls cannot
 * be submitted (done and not set again, or in flight), nothing runs, the calls before it fail with
 * the same exception (none is left submitted for ever), and the calls after it stay new.
 */
class BatchRefusalTest {

    @AllEngines
    void aBatchWithACallThatCannotBeSubmittedIsRefusedWhole(EngineUnderTest eut) {
        try (SyscallEngine e = eut.start()) {
            Call done = Call.of(SysNr.GETPID);
            e.execute(done);
            Call[] batch = {Call.of(SysNr.GETPID), Call.of(SysNr.GETPID), done, Call.of(SysNr.GETPID)};
            long callsBefore = e.stats().getCalls();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> e.executeBatch(batch, 0, 4));
            for (int i = 0; i < 2; i++) {
                assertTrue(batch[i].isDone(), "call " + i + " is left submitted");
                assertSame(refused, batch[i].failure(), "call " + i);
            }
            assertFalse(batch[3].isDone(), "a call after the refused one is untouched");
            assertEquals(callsBefore, e.stats().getCalls(), "nothing ran");
            batch[0].set(SysNr.GETPID, 0, 0, 0, 0, 0, 0);
            batch[1].set(SysNr.GETPID, 0, 0, 0, 0, 0, 0);
            e.executeBatch(batch, 0, 2); // the refused calls can be set again and go through
            assertEquals(ProcessHandle.current().pid(), batch[1].result());
        }
    }
}
