package io.flexsc.nio.engine;

import static io.flexsc.nio.engine.Kernel.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.Await;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.ffi.SysNr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Closing an engine: with calls in flight from many threads each call gets its result or an
 * {@link EngineClosedException} and nothing hangs; afterwards every submission path throws
 * {@link EngineClosedException}; close is idempotent, also when raced.
 */
@ExtendWith(SeedReporter.class)
class CloseTest {
    private static void assertClosed(SyscallEngine e) {
        EngineClosedException ex = assertThrows(EngineClosedException.class, () -> e.execute(Call.of(SysNr.GETPID)), "execute after close");
        assertTrue(ex.getMessage().contains(e.name()), "the message names the engine: " + ex.getMessage());
        Call[] batch = {Call.of(SysNr.GETPID), Call.of(SysNr.GETPID)};
        assertThrows(EngineClosedException.class, () -> e.executeBatch(batch, 0, 2), "executeBatch after close");
        assertThrows(EngineClosedException.class, () -> e.syscall(SysNr.GETPID, 0, 0, 0), "syscall (3) after close");
        assertThrows(EngineClosedException.class, () -> e.syscall(SysNr.GETPID, 0, 0, 0, 0, 0, 0), "syscall (6) after close");
    }

    @AllEngines
    void closeWhileManyThreadsSubmit(EngineUnderTest eut) throws Exception {
        SyscallEngine engine = eut.start();
        long pid = ProcessHandle.current().pid();
        int threads = 8;
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong results = new AtomicLong();
        AtomicLong closedFailures = new AtomicLong();
        CountDownLatch running = new CountDownLatch(threads);
        List<Thread> submitters = new ArrayList<>();
        try (Mem m = new Mem()) {
            int devnull = okInt(DirectEngine.run(Call.of(SysNr.OPENAT, AT_FDCWD, m.cstring("/dev/null"), O_WRONLY | O_CLOEXEC, 0)), "open");
            long buf = m.alloc(4096);
            for (int t = 0; t < threads; t++) {
                long seed = Seeds.seed() + t;
                Thread th = new Thread(() -> {
                    Random rnd = new Random(seed);
                    boolean counted = false;
                    try {
                        while (true) {
                            if (!counted) {
                                running.countDown();
                                counted = true;
                            }
                            int op = rnd.nextInt(3);
                            if (op == 0) {
                                long r = engine.execute(Call.of(SysNr.GETPID));
                                if (r != pid) {
                                    failures.add("getpid = " + describe(r));
                                }
                                results.incrementAndGet();
                            } else if (op == 1) {
                                int n = rnd.nextInt(4096);
                                long r = engine.syscall(SysNr.WRITE, devnull, buf, n);
                                if (r != n) {
                                    failures.add("write " + n + " = " + describe(r));
                                }
                                results.incrementAndGet();
                            } else {
                                Call[] batch = new Call[1 + rnd.nextInt(16)];
                                for (int i = 0; i < batch.length; i++) {
                                    batch[i] = i % 2 == 0 ? Call.of(SysNr.GETPID) : Call.of(SysNr.WRITE, devnull, buf, i);
                                }
                                engine.executeBatch(batch, 0, batch.length);
                                // accepted: each call has its result or was failed with EngineClosedException
                                for (int i = 0; i < batch.length; i++) {
                                    Call c = batch[i];
                                    if (!c.isDone()) {
                                        failures.add("executeBatch returned with a call not done: " + c);
                                    } else if (c.failure() != null) {
                                        if (c.failure() instanceof EngineClosedException) {
                                            closedFailures.incrementAndGet();
                                        } else {
                                            failures.add("a batched call failed with " + c.failure());
                                        }
                                    } else if (c.result() != (i % 2 == 0 ? pid : i)) {
                                        failures.add("batched " + c);
                                    } else {
                                        results.incrementAndGet();
                                    }
                                }
                            }
                        }
                    } catch (EngineClosedException expected) {
                        closedFailures.incrementAndGet();
                        // once closed, stays closed for this thread too
                        try {
                            engine.execute(Call.of(SysNr.GETPID));
                            failures.add("a call succeeded after the engine rejected one as closed");
                        } catch (EngineClosedException stillClosed) {
                            // right
                        }
                    } catch (Throwable other) {
                        failures.add("unexpected " + other);
                    } finally {
                        if (!counted) {
                            running.countDown();
                        }
                    }
                }, "submitter-" + t);
                th.setDaemon(true);
                submitters.add(th);
            }
            submitters.forEach(Thread::start);
            running.await();
            // calls in flight from every thread: each has completed some already and goes on
            Await.until("the submitters' calls completing", () -> results.get() >= 100L * threads || !failures.isEmpty());
            long beforeClose = results.get();
            Thread closer1 = new Thread(engine::close, "closer-1");
            Thread closer2 = new Thread(engine::close, "closer-2");
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                closer1.start();
                closer2.start();
                closer1.join();
                closer2.join();
                for (Thread t : submitters) {
                    t.join();
                }
            }, "close or a submitter hung with calls in flight");
            assertTrue(failures.isEmpty(), String.join("\n", failures));
            assertTrue(beforeClose > 0, "no call completed before close; the test proved nothing");
            assertTrue(closedFailures.get() >= threads, "every submitter ended on an EngineClosedException");
            assertClosed(engine);
            assertTimeoutPreemptively(Duration.ofSeconds(5), engine::close, "a second close");
            ok(DirectEngine.run(Call.of(SysNr.CLOSE, devnull)), "close /dev/null");
        } finally {
            engine.close();
        }
    }

    @AllEngines
    void closeIsIdempotentAndPromptWhenIdle(EngineUnderTest eut) {
        SyscallEngine engine = eut.start();
        assertEquals(ProcessHandle.current().pid(), engine.syscall(SysNr.GETPID, 0, 0, 0));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            engine.close();
            engine.close();
            engine.close();
        }, "closing an idle engine");
        assertClosed(engine);
    }

    @AllEngines
    void closeANeverUsedEngine(EngineUnderTest eut) {
        SyscallEngine engine = eut.start();
        assertTimeoutPreemptively(Duration.ofSeconds(10), engine::close, "closing an unused engine");
        assertClosed(engine);
        assertTimeoutPreemptively(Duration.ofSeconds(10), engine::close, "closing it again");
    }
}
