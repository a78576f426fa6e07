package io.flexsc.nio.engine.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.ffi.SysNr;
import org.junit.jupiter.api.Test;

/** The per-descriptor learning of whether io_uring completes writes inline. */
class InlineWritesTest {
    static Call pwrite(int fd) {
        return Call.of(SysNr.PWRITE64, fd, 0, 1, 0);
    }

    @Test
    void unknownDescriptorsAreAskedAndNotRunDirectly() {
        InlineWrites w = new InlineWrites();
        assertEquals(InlineWrites.UNKNOWN, w.state(5));
        assertTrue(w.ask(pwrite(5)));
        assertFalse(w.runDirect(pwrite(5)));
    }

    @Test
    void inlineDescriptorsGoIntoTheRingWithoutAskingExceptForTheProbe() {
        InlineWrites w = new InlineWrites();
        w.inline(pwrite(7));
        int asked = 0;
        for (int i = 0; i < 10 * InlineWrites.PROBE_EVERY; i++) {
            assertFalse(w.runDirect(pwrite(7)));
            if (w.ask(pwrite(7))) {
                asked++;
            }
        }
        assertEquals(10, asked, "one write in PROBE_EVERY asks again");
    }

    @Test
    void puntedDescriptorsRunDirectlyExceptForTheProbe() {
        InlineWrites w = new InlineWrites();
        w.punted(pwrite(9));
        int throughRing = 0;
        for (int i = 0; i < 10 * InlineWrites.PROBE_EVERY; i++) {
            if (!w.runDirect(pwrite(9))) {
                throughRing++;
                assertTrue(w.ask(pwrite(9)), "the probe carries RWF_NOWAIT");
            }
        }
        assertEquals(10, throughRing);
        w.inline(pwrite(9)); // the probe was answered: the file (or a new one under the number) is inline now
        assertFalse(w.runDirect(pwrite(9)));
    }

    @Test
    void positionalWritesAreRoutedButPlainWritesReadsAndCallerNowaitAreNot() {
        InlineWrites w = new InlineWrites();
        w.punted(pwrite(3));
        assertFalse(w.runDirect(Call.of(SysNr.WRITE, 3, 0, 1)), "the number may name a socket now");
        assertFalse(w.runDirect(Call.of(SysNr.WRITEV, 3, 0, 1)));
        w.inline(Call.of(SysNr.WRITE, 3, 0, 1));
        assertEquals(InlineWrites.PUNTED, w.state(3), "plain writes teach nothing");
        assertTrue(w.runDirect(Call.of(SysNr.PWRITEV, 3, 0, 1, 0)));
        assertTrue(w.runDirect(Call.of(SysNr.PWRITEV2, 3, 0, 1, 0, 0, 0)));
        assertFalse(w.runDirect(Call.of(SysNr.PWRITEV2, 3, 0, 1, 0, 0, OpcodeMap.RWF_NOWAIT)),
                "the caller asked for EAGAIN rather than waiting: the ring answers that");
        assertFalse(w.runDirect(Call.of(SysNr.PREAD64, 3, 0, 1, 0)));
        assertFalse(w.runDirect(Call.of(SysNr.READ, 3, 0, 1)));
        assertFalse(w.ask(Call.of(SysNr.WRITE, 4, 0, 1)), "plain writes carry RWF_NOWAIT anyway");
        assertTrue(w.ask(Call.of(SysNr.PWRITEV, 4, 0, 1, 0)));
    }

    @Test
    void forgetAndUntrackedDescriptors() {
        InlineWrites w = new InlineWrites();
        w.punted(pwrite(11));
        w.forget(11);
        assertEquals(InlineWrites.UNKNOWN, w.state(11));
        w.punted(pwrite(InlineWrites.TRACKED));
        assertEquals(InlineWrites.UNKNOWN, w.state(InlineWrites.TRACKED));
        assertFalse(w.runDirect(pwrite(InlineWrites.TRACKED)));
        assertTrue(w.ask(pwrite(InlineWrites.TRACKED)));
        w.punted(pwrite(-1));
        assertEquals(InlineWrites.UNKNOWN, w.state(-1));
    }
}
