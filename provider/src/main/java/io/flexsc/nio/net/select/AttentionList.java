package io.flexsc.nio.net.select;

import java.util.Arrays;

/**
 * The keys a selector must look at again at its next select whatever epoll says: channels with
 * read-ahead data or with queued writes just flushed. An insertion-ordered set whose membership is a
 * flag in the key, so adding and testing cost no hashing and no allocation (a hash set here cost a
 * node per key per select). Confined to the selecting thread (the selector's select lock).
 *
 * <p>A pass: {@link #startPass}, then {@code while ((k = next()) != null)} (valid keys only) either
 * {@link #keep} or {@link #drop} {@code k}, then {@link #endPass} (in a {@code finally}: keys not visited because the
 * pass was cut short stay). Keys added during a pass are kept after it. Deregistration happens at the
 * start of a select, before any pass, except when a select action closes the selector: a
 * {@link #remove} during a pass leaves the key (cancelled, so the pass or the next one drops it).
 */
final class AttentionList {
    private FlexSelectionKey[] keys = new FlexSelectionKey[16];
    private int size;
    private int read;
    private int write;
    private int passEnd;
    /** Between {@link #startPass} and {@link #endPass}. */
    private boolean inPass;

    void add(FlexSelectionKey k) {
        if (k.inAttention) {
            return;
        }
        k.inAttention = true;
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
        }
        keys[size++] = k;
    }

    void remove(FlexSelectionKey k) {
        assert !k.isValid() || !inPass;
        if (!k.inAttention || inPass) {
            return;
        }
        k.inAttention = false;
        for (int i = 0; i < size; i++) {
            if (keys[i] == k) {
                System.arraycopy(keys, i + 1, keys, i, size - i - 1);
                keys[--size] = null;
                return;
            }
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void startPass() {
        read = 0;
        write = 0;
        passEnd = size;
        inPass = true;
    }

    /** The next valid key of the pass, or null at its end; cancelled keys are dropped on the way. */
    FlexSelectionKey next() {
        while (read < passEnd) {
            FlexSelectionKey k = keys[read++];
            if (k.isValid()) {
                return k;
            }
            k.inAttention = false;
        }
        return null;
    }

    /** Keeps the key just returned by {@link #next}. */
    void keep(FlexSelectionKey k) {
        keys[write++] = k;
    }

    /** Drops the key just returned by {@link #next}. */
    void drop(FlexSelectionKey k) {
        k.inAttention = false;
    }

    /** Ends the pass: keeps the keys it did not visit and those added during it. */
    void endPass() {
        for (int r = read; r < size; r++) {
            keys[write++] = keys[r];
        }
        Arrays.fill(keys, write, size, null);
        size = write;
        inPass = false;
    }
}
