package io.flexsc.nio.engine.kmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineStats;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.SysNr;
import org.junit.jupiter.api.Test;

/**
 * The kmod engine's reading of the module's answers ({@link KmodEngine.Answers}), without the module:
 * the module answers -EPERM for every entry while the process is traced (strace -f -p) or filtered,
 * without running it; such a call must run directly and give the kernel's own answer, per call, with
 * one log line; a call's own EPERM stays EPERM; -ENOSYS marks the call number as one the module
 * lacks. (The module's side is checked by native-kmod/tests/flexsc_security.c in the guest.)
 */
class ModuleRefusalTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final int PTRACE = 101;
    private static final int PTRACE_ATTACH = 16;

    private static Call getpid() {
        return new Call(SysNr.GETPID, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void aRefusedCallRunsDirectlyEveryTimeAndIsCountedAsAFallback() {
        EngineStats stats = new EngineStats("kmod-test");
        KmodEngine.Answers a = new KmodEngine.Answers(stats);
        assertFalse(a.refusalSeen());
        for (int i = 0; i < 3; i++) {
            assertEquals(PID, a.settle(getpid(), -Errno.EPERM), "a refused getpid runs directly");
        }
        assertTrue(a.refusalSeen(), "the refusal is noticed (and logged once)");
        assertEquals(3, stats.getFallbacks());
        assertFalse(a.unsupported(SysNr.GETPID), "a refusal does not mark the call number unsupported");
    }

    @Test
    void aCallsOwnEpermStaysEpermAndIsNotTakenForARefusal() {
        KmodEngine.Answers a = new KmodEngine.Answers(new EngineStats("kmod-test"));
        // attaching to oneself is refused with EPERM whatever the privileges, and changes nothing
        Call attachSelf = new Call(PTRACE, PTRACE_ATTACH, PID, 0, 0, 0, 0);
        assertEquals(-Errno.EPERM, a.settle(attachSelf, -Errno.EPERM));
        assertFalse(a.refusalSeen());
    }

    @Test
    void otherAnswersAreTheCallsResult() {
        EngineStats stats = new EngineStats("kmod-test");
        KmodEngine.Answers a = new KmodEngine.Answers(stats);
        assertEquals(12345, a.settle(getpid(), 12345), "a result is not second-guessed");
        assertEquals(-Errno.EBADF, a.settle(getpid(), -Errno.EBADF));
        assertEquals(0, stats.getFallbacks());
    }

    @Test
    void enosysMarksTheCallNumberAndRunsItDirectly() {
        EngineStats stats = new EngineStats("kmod-test");
        KmodEngine.Answers a = new KmodEngine.Answers(stats);
        assertEquals(PID, a.settle(getpid(), -Errno.ENOSYS));
        assertTrue(a.unsupported(SysNr.GETPID));
        assertEquals(1, stats.getFallbacks());
    }
}
