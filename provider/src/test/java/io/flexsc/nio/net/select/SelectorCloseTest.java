package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.JdkProvider;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Closing a selector that another thread is selecting on, and select operations made from inside a
 * select action, as the JDK's selector does them.
 */
class SelectorCloseTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();
    static final Duration HANG = Duration.ofSeconds(20);

    /** Waits (bounded) until {@code t} is inside a select: a doSelect frame on its stack. */
    static void awaitInSelect(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (System.nanoTime() < deadline) {
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getMethodName().equals("doSelect")) {
                    return;
                }
            }
            Thread.onSpinWait();
            Thread.sleep(1); // polling an observable state with a deadline, not synchronisation by sleep
        }
        throw new AssertionError("the selecting thread never reached its select");
    }

    /** Closes a selector another thread is blocked in select() on; returns what that select did. */
    private static String closeWhileSelecting(SelectorProvider p) throws Exception {
        Selector sel = p.openSelector();
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                outcome.set("returned " + sel.select());
            } catch (Throwable e) {
                outcome.set(e.getClass().getName());
            }
        }, "selecting");
        t.setDaemon(true);
        t.start();
        awaitInSelect(t);
        assertTimeoutPreemptively(HANG, sel::close, () -> p + ": close() hangs while another thread selects");
        t.join(HANG.toMillis());
        assertFalse(t.isAlive(), p + ": the select did not return after close");
        assertFalse(sel.isOpen());
        assertThrows(ClosedSelectorException.class, sel::selectNow);
        return outcome.get();
    }

    @Test
    void closeWakesAThreadInSelectAsTheJdks() throws Exception {
        assertEquals(closeWhileSelecting(JdkProvider.get()), closeWhileSelecting(OURS));
    }

    @Test
    void closeWakesATimedSelectAndASelectWithAnAction() throws Exception {
        for (int round = 0; round < 2; round++) {
            boolean timed = round == 0;
            Selector sel = OURS.openSelector();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    if (timed) {
                        sel.select(60_000);
                    } else {
                        sel.select(k -> { });
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.setDaemon(true);
            t.start();
            awaitInSelect(t);
            assertTimeoutPreemptively(HANG, sel::close);
            t.join(HANG.toMillis());
            assertFalse(t.isAlive());
            assertEquals(null, failure.get());
        }
    }

    /** A selector with one ready key (a pipe source with a byte) and what a nested operation threw. */
    private static List<String> nestedSelects(SelectorProvider p) throws Exception {
        List<String> out = new ArrayList<>();
        List<Consumer<Selector>> nested = List.of(
                s -> call(s::select),
                s -> call(s::selectNow),
                s -> call(() -> s.select(10)),
                s -> call(() -> s.select(k -> { })),
                s -> call(() -> s.selectNow(k -> { })),
                s -> call(() -> s.select(k -> { }, 10)));
        for (Consumer<Selector> op : nested) {
            Pipe pipe = p.openPipe();
            try (Selector sel = p.openSelector()) {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                pipe.source().configureBlocking(false);
                pipe.source().register(sel, SelectionKey.OP_READ);
                AtomicReference<String> thrown = new AtomicReference<>("nothing");
                int n = assertTimeoutPreemptively(HANG, () -> sel.select(k -> {
                    try {
                        op.accept(sel);
                    } catch (RuntimeException e) {
                        thrown.set(e.getClass().getName() + ": " + e.getMessage());
                    }
                }));
                out.add(n + " " + thrown.get());
            } finally {
                pipe.source().close();
                pipe.sink().close();
            }
        }
        return out;
    }

    interface IoCall {
        Object call() throws Exception;
    }

    private static void call(IoCall c) {
        try {
            c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aSelectInsideASelectActionIsRefusedAsByTheJdk() throws Exception {
        List<String> jdk = nestedSelects(JdkProvider.get());
        List<String> ours = nestedSelects(OURS);
        assertEquals(jdk, ours);
        for (String s : ours) {
            assertTrue(s.startsWith("1 java.lang.IllegalStateException"), s);
        }
    }

    /** A select action that closes its selector: what the select throws. */
    private static String closeInsideAction(SelectorProvider p) throws Exception {
        Pipe pipe = p.openPipe();
        try {
            Selector sel = p.openSelector();
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2}));
            pipe.source().configureBlocking(false);
            SelectionKey key = pipe.source().register(sel, SelectionKey.OP_READ);
            String r;
            try {
                r = "returned " + assertTimeoutPreemptively(HANG, () -> sel.select(k -> {
                    try {
                        sel.close();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            } catch (ClosedSelectorException e) {
                r = "ClosedSelectorException";
            }
            assertFalse(sel.isOpen());
            assertFalse(key.isValid());
            return r;
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void anActionThatClosesTheSelectorEndsTheSelectAsTheJdks() throws Exception {
        assertEquals("ClosedSelectorException", closeInsideAction(JdkProvider.get()));
        assertEquals("ClosedSelectorException", closeInsideAction(OURS));
    }
}
