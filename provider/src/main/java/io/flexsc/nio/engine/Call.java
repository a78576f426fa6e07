package io.flexsc.nio.engine;

import io.flexsc.nio.ffi.SysNr;

/**
 * One system call: its number, up to six arguments, and, once an engine has run it, its raw result.
 *
 * <p>Arguments are machine words: integers as they are, pointers as native addresses (the caller
 * keeps the memory alive and unchanged until the call is done). The result is what the kernel
 * returns: {@code >= 0} on success, {@code -errno} on failure ({@link io.flexsc.nio.ffi.Errno}).
 *
 * <p>State moves one way, {@code NEW -> SUBMITTED -> DONE}. The engine that accepts a call makes
 * its submitter wait for it ({@link Waiting}); whoever completes it publishes the result with a
 * release store and wakes the submitter in the engine's own way. A call that an engine could not
 * run (it was closed first) completes with a {@link #failure()} instead of a result.
 *
 * <p>A call is used by one submitter at a time; it may be reused with {@link #set} once done.
 */
public final class Call {
    static final int NEW = 0;
    static final int SUBMITTED = 1;
    static final int DONE = 2;

    private static final java.lang.invoke.VarHandle STATE;

    static {
        try {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(Call.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private int nr;
    private long a0, a1, a2, a3, a4, a5;
    private long result;
    private RuntimeException failure;
    private volatile int state;
    /** The engine's own bookkeeping for the current submission; see {@link #engineTag(Object)}. */
    private Object engineTag;
    /** The engine's own index for the current submission; see {@link #engineSlot(int)}. */
    private int engineSlot;

    public Call() {}

    public Call(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        set(nr, a0, a1, a2, a3, a4, a5);
    }

    public static Call of(int nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("at most six arguments");
        }
        long[] a = java.util.Arrays.copyOf(args, 6);
        return new Call(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }

    /** Sets number and arguments; the call becomes new again. Not while it is submitted. */
    public Call set(int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
        if (state == SUBMITTED) {
            throw new IllegalStateException("call is in flight");
        }
        this.nr = nr;
        this.a0 = a0;
        this.a1 = a1;
        this.a2 = a2;
        this.a3 = a3;
        this.a4 = a4;
        this.a5 = a5;
        this.result = 0;
        this.failure = null;
        this.engineTag = null;
        this.state = NEW;
        return this;
    }

    public int nr() { return nr; }
    public long a0() { return a0; }
    public long a1() { return a1; }
    public long a2() { return a2; }
    public long a3() { return a3; }
    public long a4() { return a4; }
    public long a5() { return a5; }

    /** Argument {@code i} (0..5). */
    public long arg(int i) {
        switch (i) {
            case 0: return a0;
            case 1: return a1;
            case 2: return a2;
            case 3: return a3;
            case 4: return a4;
            case 5: return a5;
            default: throw new IndexOutOfBoundsException(i);
        }
    }

    /** True once an engine has completed the call (with a result or a failure). */
    public boolean isDone() {
        return state == DONE;
    }

    /**
     * The raw result: {@code >= 0} or {@code -errno}.
     *
     * @throws IllegalStateException if the call is not done
     * @throws RuntimeException the failure, when the engine could not run the call
     */
    public long result() {
        if (state != DONE) {
            throw new IllegalStateException("call not done");
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** The reason the engine could not run the call, or null. Only meaningful once done. */
    public RuntimeException failure() {
        return failure;
    }

    // ---- engine side ----

    /** Marks the call submitted; an engine calls this once as it accepts the call. */
    public void markSubmitted() {
        if (!STATE.compareAndSet(this, NEW, SUBMITTED)) {
            throw new IllegalStateException(state == SUBMITTED ? "call already submitted" : "call already done; set() it to reuse");
        }
    }

    /**
     * Marks {@code calls[from..to)} submitted, as an engine accepts a batch: all of them, or none
     * if one cannot be (it is in flight, or done and not {@link #set} again); then the ones already
     * marked fail with that exception, which is thrown. Every engine's {@code executeBatch} starts
     * here.
     *
     * @throws IllegalStateException for the call that could not be submitted
     */
    public static void markSubmitted(Call[] calls, int from, int to) {
        for (int k = from; k < to; k++) {
            try {
                calls[k].markSubmitted();
            } catch (IllegalStateException e) {
                for (int j = from; j < k; j++) {
                    calls[j].fail(e); // the batch is refused as a whole
                }
                throw e;
            }
        }
    }

    /**
     * Engine side: attaches the engine's own bookkeeping to this submission (uring: the waiter to
     * wake). Only while the call is submitted, that is owned by the engine; {@link #set} clears it.
     *
     * @throws IllegalStateException if the call is not submitted
     */
    public void engineTag(Object tag) {
        if (state != SUBMITTED) {
            throw new IllegalStateException("a tag is the engine's, for a submitted call: " + this);
        }
        engineTag = tag;
    }

    /** Engine side: what {@link #engineTag(Object)} attached, or null. */
    public Object engineTag() {
        return engineTag;
    }

    /**
     * Engine side: an index of the engine's own for the current submission (kmod: the shared
     * page's entry, or -1 for a call run directly), so that a batch needs no array of its own.
     * Only meaningful to the engine that set it, while the call is submitted.
     */
    public void engineSlot(int slot) {
        engineSlot = slot;
    }

    /** Engine side: what {@link #engineSlot(int)} set. */
    public int engineSlot() {
        return engineSlot;
    }

    /** Publishes a raw result. Engine side; once per submission; the engine wakes its submitter. */
    public void complete(long rawResult) {
        this.result = rawResult;
        finish();
    }

    /** Completes the call with a failure instead of a result. Engine side; once per submission. */
    public void fail(RuntimeException why) {
        this.failure = why;
        finish();
    }

    private void finish() {
        state = DONE; // volatile store: releases result/failure
    }

    @Override
    public String toString() {
        String s = SysNr.name(nr) + "(" + a0 + ", " + a1 + ", " + a2 + ", " + a3 + ", " + a4 + ", " + a5 + ")";
        int st = state;
        if (st == DONE) {
            return s + (failure != null ? " failed: " + failure : " = " + result);
        }
        return s + (st == SUBMITTED ? " [submitted]" : " [new]");
    }
}
