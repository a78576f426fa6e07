package io.flexsc.nio.engine.kmod;

import static io.flexsc.nio.engine.kmod.FlexscAbi.*;
import static io.flexsc.nio.engine.kmod.FlexscSession.INT;
import static io.flexsc.nio.engine.kmod.FlexscSession.LONG;

import io.flexsc.nio.engine.Blocking;
import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.direct.DirectEngine;
import io.flexsc.nio.engine.EngineClosedException;
import io.flexsc.nio.engine.EngineStats;
import io.flexsc.nio.engine.EngineStatsRegistry;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.engine.Waiting;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.SysNr;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@code kmod} engine: system calls executed by the FlexSC kernel module's syscall threads.
 *
 * <p>Submission is lock-free: a caller claims a free entry of the shared area with a CAS
 * ({@code FREE -> CLAIMED}, a value the kernel ignores), fills in number and arguments, publishes it
 * with a release store of {@code SUBMITTED}, and, after a full fence, wakes the syscall threads with
 * one ioctl only when the header's NEED_WAKEUP flag says they sleep. The caller then waits for its
 * entry: spin, then yield, then FLEXSC_IOC_WAIT in the kernel. An explicit batch publishes all its
 * entries before the one wake-up check, so the kernel sees them together.
 *
 * <p>Syscall threads are daemon Java threads parked inside FLEXSC_IOC_WORK. When the kernel returns
 * them to user space (a signal, pending task work such as the deferred fput after a close) they enter
 * again; FLEXSC_IOC_STOP, issued by {@link #close()}, ends them.
 *
 * <p>Calls outside the module's allowlist run directly on the caller's thread (a fallback); so does a
 * call the module answers with -ENOSYS, and that number is then never sent again, and a call the
 * module refuses with -EPERM (a traced process, see {@link Answers}), per call.
 *
 * <p>Thread safety: every method may be called from any thread. {@link #close()} waits for calls in
 * flight (bounded), stops the syscall threads and unmaps the area; if calls stay stuck in the kernel
 * (a blocking call), it leaves the mapping in place rather than unmap memory a thread may still read.
 */
public final class KmodEngine implements SyscallEngine {
    public static final String NAME = "kmod";
    private static final System.Logger LOG = System.getLogger("io.flexsc.nio.engine");
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long KERNEL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final FlexscSession session;
    private final ByteBuffer area;
    private final EngineStats stats = new EngineStats(NAME);
    private final AtomicInteger hint = new AtomicInteger();
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger liveWorkers = new AtomicInteger();
    private final Answers answers = new Answers(stats);
    private final Thread[] workers;
    private final int spinUs;
    private volatile boolean closed;
    private volatile boolean stopping;
    private boolean tornDown;

    /**
     * Registers with the module and starts {@code workers} syscall threads.
     *
     * @param entries syscall area entries (1..4096)
     * @param workers syscall threads (at least 1)
     * @param cpus CPUs to pin the syscall threads to, or null
     * @param spinUs how long a syscall thread spins without work before it sleeps (0 = module default)
     */
    KmodEngine(FlexscSession session, int workers, int spinUs) {
        if (workers < 1) {
            throw new IllegalArgumentException("at least one syscall thread: " + workers);
        }
        this.session = session;
        this.area = session.area;
        this.spinUs = spinUs;
        this.workers = new Thread[workers];
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::workLoop, "flexsc-kmod-syscall-" + i);
            t.setDaemon(true);
            this.workers[i] = t;
            liveWorkers.incrementAndGet();
            t.start();
        }
        EngineStatsRegistry.publish(stats);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public EngineStats stats() {
        return stats;
    }

    /** The module's counters for this session (entries, batches, sleeps, wakeups, ...). */
    public java.util.Map<String, Long> kernelStats() {
        var out = new java.util.LinkedHashMap<String, Long>();
        long[] v;
        synchronized (this) {
            if (tornDown) {
                return out;
            }
            v = session.kernelStats();
        }
        for (int i = 0; i < v.length; i++) {
            out.put(STATS_FIELDS[i], v[i]);
        }
        return out;
    }

    /** Syscall threads currently alive. */
    public int liveSyscallThreads() {
        return liveWorkers.get();
    }

    /**
     * A one-line picture of the engine for a diagnosis (a probe that made no progress): calls in
     * flight, syscall threads alive, the area header's flags and counters, and every entry that is
     * not free (index, status, call number). Reads the area without claiming anything.
     */
    synchronized String describe() {
        if (tornDown) {
            return "kmod engine: torn down";
        }
        StringBuilder b = new StringBuilder("kmod engine: in flight ").append(inflight.get())
                .append(", syscall threads alive ").append(liveWorkers.get())
                .append(", header flags ").append((int) INT.getVolatile(area, HDR_FLAGS))
                .append(" nworkers ").append((int) INT.getVolatile(area, HDR_NWORKERS))
                .append(" nsleeping ").append((int) INT.getVolatile(area, HDR_NSLEEPING))
                .append(" completed ").append((long) LONG.getVolatile(area, HDR_COMPLETED))
                .append(", kernel ").append(kernelStats())
                .append(", entries not free:");
        for (int i = 0; i < session.nentries; i++) {
            int off = session.entry(i);
            int st = (int) INT.getVolatile(area, off);
            if (st != STATUS_FREE) {
                b.append(' ').append(i).append('=').append(st).append("/nr ").append((int) INT.get(area, off + ENTRY_NR));
            }
        }
        return b.toString();
    }

    // ---- syscall threads ----

    private void workLoop() {
        long arg = NativeMemory.allocate(WORK_SIZE);
        try {
            while (!stopping) {
                long r = session.work(arg, spinUs);
                if (r == 0) {
                    int reason = NativeMemory.wrap(arg, WORK_SIZE).getInt(WORK_REASON);
                    if (reason == WORK_REASON_STOPPED) {
                        break;
                    }
                    continue; // task work ran on the way out; go back in
                }
                if (r == -Errno.EINTR) {
                    continue; // a signal was handled; re-enter
                }
                LOG.log(System.Logger.Level.ERROR, "flexsc kmod syscall thread leaves: FLEXSC_IOC_WORK failed with "
                        + FlexscSession.errnoName(Errno.of(r)) + "; pending calls will run directly");
                break;
            }
        } finally {
            NativeMemory.free(arg);
            liveWorkers.decrementAndGet();
        }
    }

    // ---- submission ----

    private void enter() {
        inflight.incrementAndGet();
        if (closed) {
            inflight.decrementAndGet();
            throw new EngineClosedException(NAME);
        }
    }

    private void exit() {
        inflight.decrementAndGet();
    }

    /**
     * Whether the call goes to the module: allowlisted, not refused before with ENOSYS, and not one
     * that may wait for something outside the process ({@link Blocking}): a syscall thread blocked in
     * it would hold up every other call of the session.
     */
    private boolean viaModule(Call c) {
        int nr = c.nr();
        return KmodAllowlist.allowed(nr) && !answers.unsupported(nr) && !Blocking.mayBlock(c);
    }

    /**
     * Claims a free entry, waiting for one when the area is full. Only for a caller that holds no
     * entry: entries are freed only by the callers that wait on them, so a caller that waited while
     * holding some could wait forever on others doing the same.
     */
    private int claim() {
        boolean interrupted = false;
        try {
            // the engines' one policy (Waiting), from its yield rounds on: no busy spin, since every
            // round may wake the workers through the kernel
            for (int round = Waiting.SPINS; ; round++) {
                int i = tryClaim();
                if (i >= 0) {
                    return i;
                }
                notifyWorkers();
                if (!Waiting.pause(round)) {
                    interrupted |= Waiting.parkNanos(this, 50_000);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Claims a free entry ({@code FREE -> CLAIMED}), or returns -1 when none is free. */
    private int tryClaim() {
        int n = session.nentries;
        int start = hint.getAndIncrement();
        for (int k = 0; k < n; k++) {
            int i = Math.floorMod(start + k, n);
            int off = session.entry(i);
            if ((int) INT.getOpaque(area, off) == STATUS_FREE && INT.compareAndSet(area, off, STATUS_FREE, STATUS_CLAIMED)) {
                return i;
            }
        }
        return -1;
    }

    /** Fills a claimed entry and hands it to the kernel (release store of SUBMITTED). */
    private void publish(int i, Call c) {
        int off = session.entry(i);
        area.putInt(off + ENTRY_NR, c.nr());
        area.putLong(off + ENTRY_ARGS, c.a0());
        area.putLong(off + ENTRY_ARGS + 8, c.a1());
        area.putLong(off + ENTRY_ARGS + 16, c.a2());
        area.putLong(off + ENTRY_ARGS + 24, c.a3());
        area.putLong(off + ENTRY_ARGS + 32, c.a4());
        area.putLong(off + ENTRY_ARGS + 40, c.a5());
        INT.setRelease(area, off, STATUS_SUBMITTED);
    }

    /** The NEED_WAKEUP handshake: after a full fence, wake sleeping syscall threads if flagged. */
    private void notifyWorkers() {
        java.lang.invoke.VarHandle.fullFence();
        if (((int) INT.getVolatile(area, HDR_FLAGS) & HDR_NEED_WAKEUP) != 0) {
            session.wake();
        }
    }

    /**
     * Waits until entry {@code i} is done and frees it; returns its result. If no syscall thread is
     * left, takes the entry back (when the kernel has not claimed it) and runs the call directly.
     */
    private long awaitEntry(int i, Call c) {
        int off = session.entry(i);
        long waitArg = 0;
        try {
            for (int round = 0; ; ) {
                int st = (int) INT.getAcquire(area, off);
                if (st == STATUS_DONE) {
                    return take(off);
                }
                if (Waiting.pause(round)) {
                    round++;
                    continue;
                }
                if (liveWorkers.get() == 0 && st == STATUS_SUBMITTED
                        && INT.compareAndSet(area, off, STATUS_SUBMITTED, STATUS_CLAIMED)) {
                    INT.setRelease(area, off, STATUS_FREE);
                    stats.fallback();
                    return DirectEngine.run(c);
                }
                notifyWorkers();
                if (waitArg == 0) {
                    waitArg = NativeMemory.allocate(WAIT_SIZE);
                }
                session.waitFor(waitArg, i, KERNEL_WAIT_NANOS); // bounded: a missed wake-up costs 10 ms
            }
        } finally {
            if (waitArg != 0) {
                NativeMemory.free(waitArg);
            }
        }
    }

    private long take(int off) {
        long r = (long) LONG.get(area, off + ENTRY_RESULT);
        INT.setRelease(area, off, STATUS_FREE);
        return r;
    }

    private long settle(Call c, long r) {
        return answers.settle(c, r);
    }

    /**
     * What the engine makes of the module's answer to a call it sent (from the module's source,
     * native-kmod/flexsc_main.c): {@code -ENOSYS} means the module lacks that call, which then runs
     * directly, now and from then on; {@code -EPERM} may be the module refusing the process (its
     * syscall threads run no entry while the process is traced with PTRACE_SYSCALL/SYSEMU, e.g.
     * {@code strace -f -p}, or has a seccomp filter or syscall user dispatch; the call did not run),
     * so the call is run directly, per call, since a tracer may come and go. A call's own EPERM
     * costs one more system call that gives the same answer. The first refusal is logged, once.
     * Thread-safe.
     */
    static final class Answers {
        private final boolean[] unsupported = new boolean[SysNr.MAX + 1];
        private final EngineStats stats;
        private final java.util.concurrent.atomic.AtomicBoolean refusalLogged = new java.util.concurrent.atomic.AtomicBoolean();

        Answers(EngineStats stats) {
            this.stats = stats;
        }

        /** Whether the module answered ENOSYS to this call number before. */
        boolean unsupported(int nr) {
            return unsupported[nr];
        }

        /** Whether a refusal has been seen (and logged). */
        boolean refusalSeen() {
            return refusalLogged.get();
        }

        /** The result of {@code c}, given the module's answer {@code r}. */
        long settle(Call c, long r) {
            if (r == -Errno.ENOSYS) {
                unsupported[c.nr()] = true;
                stats.fallback();
                return DirectEngine.run(c);
            }
            if (r == -Errno.EPERM) {
                stats.fallback();
                long d = DirectEngine.run(c);
                if (d != -Errno.EPERM && refusalLogged.compareAndSet(false, true)) {
                    LOG.log(System.Logger.Level.WARNING, "flexsc kmod: the module refuses this process's calls"
                            + " (a tracer such as strace -f, a seccomp filter or syscall user dispatch); each"
                            + " refused call runs directly on its thread (logged once)");
                }
                return d;
            }
            return r;
        }
    }

    @Override
    public long execute(Call call) {
        enter();
        try {
            call.markSubmitted();
            stats.calls(1);
            long r;
            if (!viaModule(call)) {
                stats.fallback();
                r = DirectEngine.run(call);
            } else {
                int i = claim();
                publish(i, call);
                stats.batch(1);
                notifyWorkers();
                r = settle(call, awaitEntry(i, call));
            }
            call.complete(r);
            return r;
        } finally {
            exit();
        }
    }

    @Override
    public void executeBatch(Call[] calls, int from, int to) {
        Objects.checkFromToIndex(from, to, calls.length);
        enter();
        try {
            Call.markSubmitted(calls, from, to);
            stats.calls(to - from);
            // each call's entry is kept in the call itself: a batch allocates nothing (a select runs two)
            int k = from;
            while (k < to) {
                // Publish as many calls as there are free entries (at least one), then collect them:
                // a batch larger than the free area goes in rounds.
                int roundStart = k;
                int published = 0;
                for (; k < to; k++) {
                    Call c = calls[k];
                    if (!viaModule(c)) {
                        c.engineSlot(-1);
                        continue;
                    }
                    int i = published == 0 ? claim() : tryClaim();
                    if (i < 0) {
                        break;
                    }
                    publish(i, c);
                    c.engineSlot(i);
                    published++;
                }
                if (published > 0) {
                    stats.batch(published);
                    notifyWorkers();
                }
                for (int j = roundStart; j < k; j++) {
                    Call c = calls[j];
                    int i = c.engineSlot();
                    if (i >= 0) {
                        c.complete(settle(c, awaitEntry(i, c)));
                    } else {
                        stats.fallback();
                        c.complete(DirectEngine.run(c));
                    }
                }
            }
        } finally {
            exit();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (inflight.get() > 0 && System.nanoTime() < deadline) {
            notifyWorkers();
            LockSupport.parkNanos(200_000);
        }
        stopping = true;
        session.stop();
        boolean joined = true;
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            joined &= !t.isAlive();
        }
        synchronized (this) {
            if (inflight.get() == 0 && joined) {
                session.close();
                tornDown = true;
            } else {
                LOG.log(System.Logger.Level.WARNING, "flexsc kmod engine closed with calls still in the kernel ("
                        + inflight.get() + " in flight, syscall threads " + (joined ? "stopped" : "still running")
                        + "); the syscall area stays mapped until the process exits");
            }
        }
    }
}
