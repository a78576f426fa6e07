package io.flexsc.nio.engine.uring;

import static io.flexsc.nio.engine.uring.Sys.addr;
import static io.flexsc.nio.engine.uring.Sys.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The port thread submits the calls that wait (a receive, a readiness wait), with its own wait for
 * completions (issue 19, latency at light load): a poster wakes it only when it waits in the
 * kernel, and a busy port thread takes the call from its queue without the poster entering the
 * kernel. Runs on platform threads (JDK 17 too): the port treats every poster alike.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UringPortSubmitTest {
    /** Far longer than any bound below: a port thread not woken by the poster stays asleep past them. */
    private static final long LONG_WAIT_NANOS = TimeUnit.SECONDS.toNanos(100);
    private static final Duration BOUND = Duration.ofSeconds(20);

    private SyscallEngine engine;
    private UringPort port;
    private final int[] sv = new int[2];

    @BeforeEach
    void setUp() {
        engine = new UringEngineFactory().create();
        port = (UringPort) engine.callPort();
        assertTrue(port != null, "the uring engine has a port");
        ByteBuffer fds = buf(8);
        assertEquals(0, Sys.direct(SysNr.SOCKETPAIR, Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0, addr(fds)));
        sv[0] = fds.getInt(0);
        sv[1] = fds.getInt(4);
    }

    @AfterEach
    void tearDown() {
        if (port != null) {
            port.holdPortQueue(false);
            port.holdCompletions(false);
        }
        engine.close();
        Sys.direct(SysNr.CLOSE, sv[0]);
        Sys.direct(SysNr.CLOSE, sv[1]);
    }

    private Call recv(ByteBuffer b) {
        return new Call(SysNr.RECVFROM, sv[0], addr(b), b.capacity(), 0, 0, 0);
    }

    private void send(String s) {
        ByteBuffer b = Sys.bytes(s);
        assertEquals(s.length(), Sys.direct(SysNr.WRITE, sv[1], addr(b), s.length()));
    }

    /** Parks (bounded) until {@code c} is done, as a poster does. */
    private static void awaitDone(Call c) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!c.isDone() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(c, TimeUnit.MILLISECONDS.toNanos(100));
        }
        assertTrue(c.isDone(), "the call completed within " + BOUND);
    }

    @Test
    void aReceivePostedWhileThePortThreadSleepsWakesItAndCompletes() {
        port.reapWait(LONG_WAIT_NANOS);
        long w0 = port.stats().getReaperWakeups();
        Await.until("the port thread's current wait ended (woken if need be)", BOUND, () -> {
            port.wakeIfSleeping();
            return port.stats().getReaperWakeups() > w0;
        });
        Await.until("the port thread waits in the kernel, now for long", BOUND, port::portSleeping);
        long wakes = port.stats().getPortWakes();
        ByteBuffer b = buf(16);
        Call c = postReceiveSubmittedByThePortThread(b);
        assertEquals(1, port.stats().getPortWakes() - wakes, "the poster woke the sleeping port thread once: " + port.stats());
        assertFalse(c.isDone(), "no data yet");
        send("wake me");
        awaitDone(c);
        assertEquals(7, c.result());
        assertEquals("wake me", Sys.string(b, 7));
    }

    @Test
    void aReceivePostedWhileThePortThreadIsBusyIsSubmittedByItWithoutAWake() {
        port.holdCompletions(true); // the port thread runs in Java (not in the kernel) and submits its queue
        Await.until("the port thread is out of the kernel", BOUND, () -> !port.portSleeping());
        long wakes = port.stats().getPortWakes();
        ByteBuffer b = buf(16);
        Call c = postReceiveSubmittedByThePortThread(b);
        assertEquals(0, port.stats().getPortWakes() - wakes, "no wake-up of a busy port thread: " + port.stats());
        send("busy");
        Await.until("the completion in the CQ", BOUND, () -> port.ready() > 0);
        assertFalse(c.isDone(), "held in the CQ");
        port.holdCompletions(false);
        awaitDone(c);
        assertEquals(4, c.result());
    }

    @Test
    void aQueuedReceiveIsCancelledWithoutReachingTheKernel() {
        port.holdPortQueue(true);
        Call c = recv(buf(16));
        port.post(c, Thread.currentThread());
        assertEquals(1, port.portQueued());
        port.cancel(c);
        assertTrue(c.isDone(), "cancelled in the queue: done at once");
        assertEquals(-Errno.ECANCELED, c.result());
        assertEquals(0, port.portQueued());
        assertEquals(0, port.inflight());
    }

    @Test
    void closeFailsAQueuedReceiveAndCancelsASubmittedOne() {
        Call armed = recv(buf(16));
        port.post(armed, Thread.currentThread());
        Await.until("the first receive in the kernel", BOUND, () -> port.inflight() == 1);
        port.holdPortQueue(true);
        Call queued = recv(buf(16));
        port.post(queued, Thread.currentThread());
        assertEquals(1, port.portQueued());
        engine.close();
        awaitDone(queued);
        assertInstanceOf(EngineClosedException.class, queued.failure(), "the queued receive fails with the engine");
        awaitDone(armed);
        if (armed.failure() == null) {
            assertEquals(-Errno.ECANCELED, armed.result(), "the armed receive was cancelled");
        } else {
            assertInstanceOf(EngineClosedException.class, armed.failure());
        }
        port = null; // closed with its engine
    }

    /** Posts a receive into {@code b} and waits until the port thread has put it into an SQE itself. */
    private Call postReceiveSubmittedByThePortThread(ByteBuffer b) {
        long submitted = port.portSubmitted();
        Call c = recv(b);
        port.post(c, Thread.currentThread());
        Await.until("the port thread submitted the receive", BOUND, () -> port.inflight() == 1);
        assertEquals(1, port.portSubmitted() - submitted, "the port thread put the receive into its SQE");
        return c;
    }
}
