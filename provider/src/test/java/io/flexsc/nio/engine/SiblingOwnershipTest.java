package io.flexsc.nio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flexsc.nio.ffi.SysNr;

/**
 * {@link SyscallEngine#openSibling()} always hands the caller something to close, whatever the
 * engine: closing it never closes the engine it came from, and calls through a closed sibling fail
 * with {@link EngineClosedException} as on any closed engine.
 */
class SiblingOwnershipTest {
    private static final long PID = ProcessHandle.current().pid();

    @AllEngines
    void aSiblingIsTheCallersToCloseAndClosingItLeavesTheEngineOpen(EngineUnderTest eut) {
        try (SyscallEngine engine = eut.start()) {
            SyscallEngine sibling = engine.openSibling();
            assertNotSame(engine, sibling, "a sibling is never the engine itself");
            assertEquals(engine.name(), sibling.name());
            assertEquals(PID, sibling.execute(Call.of(SysNr.GETPID)));
            Call[] batch = {Call.of(SysNr.GETPID), Call.of(SysNr.GETPID)};
            sibling.executeBatch(batch, 0, 2);
            assertEquals(PID, batch[1].result());
            long before = engine.stats().getCalls();
            assertEquals(PID, sibling.syscall(SysNr.GETPID, 0, 0, 0));
            assertEquals(before + 1, engine.stats().getCalls(), "a sibling counts into its engine's stats");

            sibling.close();
            sibling.close(); // idempotent
            assertThrows(EngineClosedException.class, () -> sibling.execute(Call.of(SysNr.GETPID)));
            assertThrows(EngineClosedException.class, () -> sibling.syscall(SysNr.GETPID, 0, 0, 0));
            assertThrows(EngineClosedException.class,
                    () -> sibling.executeBatch(new Call[] {Call.of(SysNr.GETPID)}, 0, 1));
            assertEquals(PID, engine.execute(Call.of(SysNr.GETPID)), "the engine is still open");
        }
    }

    @AllEngines
    void aSiblingOfAClosedEngineIsClosedToo(EngineUnderTest eut) {
        SyscallEngine engine = eut.start();
        engine.close();
        try (SyscallEngine sibling = engine.openSibling()) {
            assertThrows(EngineClosedException.class, () -> sibling.execute(Call.of(SysNr.GETPID)));
        }
    }
}
