package io.flexsc.nio.net.select;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.net.batch.Batched;
import io.flexsc.nio.net.batch.Flusher;
import io.flexsc.nio.net.channels.FlexSocketChannel;
import java.util.ArrayList;

/**
 * A batching selector's flush list: its channels with queued bytes, whose queues go into the
 * selector's next batch. Guarded by its own monitor, not the select lock (see {@link #enlist});
 * inside it, the selector only tries channels' write locks ({@code tryLock}), so it never waits
 * with the list's lock held. {@link #flushing} is the selecting thread's.
 */
final class FlushList {
    private final FlexSelector selector;
    /** Where the keys of flushed channels go, to be looked at again whatever epoll says. */
    private final AttentionList attention;
    /** Channels with queued bytes; guarded by its own monitor (see {@link #enlist}). */
    private final ArrayList<Batched> toFlush = new ArrayList<>();
    /** The channels whose flush calls are in the current batch, their write locks held; selecting thread only. */
    final ArrayList<Batched> flushing = new ArrayList<>();
    /** Some channel has queued bytes (for the {@link Flusher}). */
    private volatile boolean queuedWrites;
    /** Incremented each time the selector's channels start queueing bytes (for the {@link Flusher}). */
    private volatile long queueings;

    FlushList(FlexSelector selector, AttentionList attention) {
        this.selector = selector;
        this.attention = attention;
    }

    /**
     * A channel queued bytes; it is flushed at the next select. Usually the selector's thread, but
     * not always: {@link FlexSelector#mayQueue()} may have answered a writer that was the
     * selector's thread just as another thread began to select, so the flush list is guarded by its
     * own lock.
     */
    void enlist(Batched b) {
        synchronized (toFlush) {
            if (!b.listed) {
                b.listed = true;
                toFlush.add(b);
                if (!queuedWrites) {
                    queuedWrites = true;
                    queueings++;
                    Flusher.watch(selector);
                }
            }
        }
    }

    /** Takes a channel off the flush list (it is deregistered). */
    void delist(Batched b) {
        synchronized (toFlush) {
            if (b.listed) {
                b.listed = false;
                toFlush.remove(b);
            }
        }
    }

    /** Some channel has queued bytes (for the {@link Flusher}). */
    boolean hasQueuedWrites() {
        return queuedWrites;
    }

    /** How many times the selector's channels started queueing bytes (for the {@link Flusher}). */
    long queueings() {
        return queueings;
    }

    /**
     * Adds, from calls[start], a flush of every listed channel with queued bytes whose write lock it
     * gets (kept until {@link #flushesDone}); they go to {@link #flushing}, one call each. Returns
     * whether it skipped a channel whose write lock was taken.
     */
    boolean addQueuedFlushCalls(int start) {
        synchronized (toFlush) { // (only tryLock inside: never waits with the list's lock held)
            return addQueuedFlushCallsLocked(start);
        }
    }

    private boolean addQueuedFlushCallsLocked(int start) {
        assert Thread.holdsLock(toFlush);
        int nc = start;
        flushing.clear();
        boolean skipped = false;
        for (int i = 0; i < toFlush.size(); i++) {
            Batched b = toFlush.get(i);
            FlexSocketChannel ch = b.channel();
            if (!ch.fdState().writeLock.tryLock()) {
                skipped = true;
                continue;
            }
            Call c = b.flushCall(selector.call(nc));
            if (c == null) {
                ch.fdState().writeLock.unlock();
                continue;
            }
            nc++;
            flushing.add(b);
        }
        return skipped;
    }

    /**
     * Adds, from calls[start], a flush of every congested listed channel whose write lock it gets
     * (kept until {@link #flushesDone}); they go to {@link #flushing}. Returns the next free index.
     */
    int addCongestedFlushCalls(int start) {
        synchronized (toFlush) { // (only tryLock inside)
            return addCongestedFlushCallsLocked(start);
        }
    }

    private int addCongestedFlushCallsLocked(int start) {
        assert Thread.holdsLock(toFlush);
        int nc = start;
        flushing.clear();
        for (int i = 0; i < toFlush.size(); i++) {
            Batched b = toFlush.get(i);
            if (!b.isCongested()) {
                continue;
            }
            FlexSocketChannel ch = b.channel();
            if (!ch.fdState().writeLock.tryLock()) {
                continue;
            }
            Call c = b.flushCall(selector.call(nc));
            if (c == null) {
                ch.fdState().writeLock.unlock();
                continue;
            }
            nc++;
            flushing.add(b);
        }
        return nc;
    }

    /** Applies the results of the {@link #flushing} calls, from calls[first], and releases their write locks. */
    void flushesDone(int first) {
        for (int i = 0; i < flushing.size(); i++) {
            Batched b = flushing.get(i);
            FlexSocketChannel ch = b.channel();
            try {
                b.flushDone(selector.call(first + i));
            } finally {
                ch.fdState().writeLock.unlock();
            }
            FlexSelectionKey k = b.key();
            if (k != null) {
                attention.add(k);
            }
        }
    }

    void rebuildFlushList() {
        synchronized (toFlush) {
            rebuildFlushListLocked();
        }
    }

    private void rebuildFlushListLocked() {
        assert Thread.holdsLock(toFlush);
        int w = 0;
        for (int i = 0; i < toFlush.size(); i++) {
            Batched b = toFlush.get(i);
            if (b.hasQueued()) {
                toFlush.set(w++, b);
                FlexSelectionKey k = b.key();
                if (k != null && k.isValid()) {
                    selector.updateKey(k); // EPOLLOUT while congested
                }
            } else {
                b.listed = false;
                FlexSelectionKey k = b.key();
                if (k != null && k.isValid() && k.inEpoll
                        && k.registeredEvents != k.flexChannel().toEpoll(k.interestOpsRaw())) {
                    selector.updateKey(k);
                }
            }
        }
        while (toFlush.size() > w) {
            toFlush.remove(toFlush.size() - 1);
        }
        queuedWrites = !toFlush.isEmpty();
    }
}
