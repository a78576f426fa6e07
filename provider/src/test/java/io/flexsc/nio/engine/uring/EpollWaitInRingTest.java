package io.flexsc.nio.engine.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sibling opened with {@code openSibling(true)} carries a batch's last call, an epoll_wait, in its
 * ring (Linux 6.15, IORING_OP_EPOLL_WAIT): one io_uring_enter submits the batch and waits; the wait
 * gives epoll_wait's results (0 on its timeout, the events otherwise) and leaves nothing in the
 * kernel, whatever its timeout (0: cancelled in the same entry, > 0: a linked timeout, -1: none).
 */
class EpollWaitInRingTest {
    static final Duration HANG = Duration.ofSeconds(20);
    private final Sys sys = new Sys();
    private UringEngine parent;
    private UringEngine ring;
    private int epfd;
    private int efd;
    private final ByteBuffer events = Sys.buf(16 * 12);
    private final ByteBuffer ev = Sys.buf(12);
    private final ByteBuffer one = Sys.buf(8);

    @BeforeEach
    void open() throws Exception {
        parent = new UringEngine(UringEngineTest.config());
        SyscallEngine s = parent.openSibling(true);
        assumeTrue(s.waitsInBatch(), "the kernel lacks IORING_OP_EPOLL_WAIT (Linux 6.15): the wait stays a system call");
        ring = (UringEngine) s;
        epfd = sys.track(Sys.direct(SysNr.EPOLL_CREATE1, 0));
        efd = sys.track(Sys.direct(SysNr.EVENTFD2, 0, Sys.O_NONBLOCK));
        one.putLong(0, 1);
    }

    @AfterEach
    void close() {
        if (ring != null) {
            ring.close();
        }
        parent.close();
        sys.close();
    }

    private Call ctlAdd() {
        ev.putInt(0, 1 /* EPOLLIN */).putLong(4, 77);
        return new Call(SysNr.EPOLL_CTL, epfd, 1 /* ADD */, efd, Sys.addr(ev), 0, 0);
    }

    /** A carried call to go with a wait: EPOLL_CTL_MOD of the eventfd, as it is. */
    private Call ctlMod() {
        return new Call(SysNr.EPOLL_CTL, epfd, 3 /* MOD */, efd, Sys.addr(ev), 0, 0);
    }

    private Call waitCall(int timeoutMs) {
        return new Call(SysNr.EPOLL_WAIT, epfd, Sys.addr(events), 16, timeoutMs, 0, 0);
    }

    /** Runs the batch; returns its batches (kernel entries) as the stats count them. */
    private long run(Call... calls) {
        long b = ring.stats().getBatches();
        assertTimeoutPreemptively(HANG, () -> ring.executeBatch(calls, 0, calls.length));
        return ring.stats().getBatches() - b;
    }

    @Test
    void aTimedWaitThatFindsNothingGivesZeroOnTimeInOneEntryAndLeavesNothingBehind() {
        Call add = ctlAdd();
        Call w = waitCall(150);
        long t0 = System.nanoTime();
        assertEquals(1, run(add, w), "the ctl and the wait: one entry");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(0, add.result());
        assertEquals(0, w.result(), "epoll_wait's result on its timeout");
        assertTrue(ms >= 140 && ms < 5_000, "waited " + ms + " ms for a 150 ms timeout");
        assertEquals(0, ring.inflight(), "the timed-out wait left nothing in the kernel");
        // and the ring still works: the descriptor made readable, the next wait reports it
        assertEquals(8, Sys.direct(SysNr.WRITE, efd, Sys.addr(one), 8));
        Call w2 = waitCall(5_000);
        assertEquals(1, run(ctlMod(), w2));
        assertEquals(1, w2.result());
        assertEquals(77, events.getLong(4));
        assertEquals(0, ring.inflight());
    }

    @Test
    void aWaitOfZeroIsCancelledInTheSameEntryOrGivesTheEventsItFound() {
        Call add = ctlAdd();
        Call w = waitCall(0);
        assertEquals(1, run(add, w));
        assertEquals(0, w.result(), "nothing ready: epoll_wait(0) says 0");
        assertEquals(0, ring.inflight(), "the wait was cancelled, not left armed");
        assertEquals(8, Sys.direct(SysNr.WRITE, efd, Sys.addr(one), 8));
        Call w2 = waitCall(0);
        assertEquals(1, run(ctlMod(), w2));
        assertEquals(1, w2.result(), "a ready descriptor: the wait of 0 reports it");
        assertEquals(0, ring.inflight());
    }

    @Test
    void writesInTheBatchReachTheKernelBeforeTheWaitEnds() {
        // the batch itself makes the descriptor readable (a write of the eventfd in the ring): the wait,
        // without a timeout, must see it, in the same entry
        Call add = ctlAdd();
        Call wr = new Call(SysNr.WRITE, efd, Sys.addr(one), 8, 0, 0, 0);
        Call w = waitCall(-1);
        assertEquals(1, run(add, wr, w));
        assertEquals(8, wr.result());
        assertEquals(1, w.result());
        assertEquals(0, ring.inflight());
    }

    @Test
    void aWaitWithoutTimeoutEndsWhenAnotherThreadMakesTheDescriptorReady() throws Exception {
        Call add = ctlAdd();
        Call w = waitCall(-1);
        AtomicLong took = new AtomicLong();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            ring.executeBatch(new Call[] {add, w}, 0, 2);
            took.set(System.nanoTime() - t0);
        });
        t.start();
        // the batch is in the kernel once its calls hold slots (the ctl's CQE is reaped after the wait)
        long deadline = System.nanoTime() + HANG.toNanos();
        while (ring.inflight() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(w.isDone(), "the wait returned with nothing ready");
        assertEquals(8, Sys.direct(SysNr.WRITE, efd, Sys.addr(one), 8));
        t.join(HANG.toMillis());
        assertFalse(t.isAlive(), "the wait did not end on the event");
        assertEquals(1, w.result());
        assertEquals(0, ring.inflight());
    }

    @Test
    void manyWaitsInARowLeaveNothingBehind() {
        Call add = ctlAdd();
        run(add, waitCall(0));
        int rounds = 3 * ring.sqEntries() + 10; // well past the in-flight table, were a wait left armed
        for (int i = 0; i < rounds; i++) {
            Call w = waitCall(i % 3 == 0 ? 1 : 0);
            run(ctlMod(), w);
            assertEquals(0, w.result(), "round " + i);
        }
        assertEquals(0, ring.inflight());
        assertEquals(8, Sys.direct(SysNr.WRITE, efd, Sys.addr(one), 8));
        Call w = waitCall(1_000);
        run(ctlMod(), w);
        assertEquals(1, w.result());
    }

    @Test
    void theSharedEngineAndAPlainSiblingNeverCarryTheWait() {
        assertFalse(parent.waitsInBatch());
        try (SyscallEngine plain = parent.openSibling()) {
            assertFalse(plain.waitsInBatch());
        }
    }
}
