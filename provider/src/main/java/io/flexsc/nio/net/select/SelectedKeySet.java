package io.flexsc.nio.net.select;

import java.nio.channels.SelectionKey;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A selector's selected-key set: what {@code selectedKeys()} returns. Removal only for callers
 * ({@link #add} throws {@link UnsupportedOperationException}, as the JDK's set does); the selector
 * adds with {@link #addKey}.
 *
 * <p>Keys sit in an array and know their slot ({@link FlexSelectionKey#selectedIndex}), so adding,
 * finding and removing a key allocate nothing and cost O(1); a removed key leaves a hole that the
 * next growth compacts. Iterators are fail-fast like {@code HashSet}'s: a change other than
 * through the iterator itself makes its next step throw {@link ConcurrentModificationException}.
 *
 * <p>Not thread-safe, as the JDK documents its selected-key sets.
 */
final class SelectedKeySet extends AbstractSet<SelectionKey> {
    private FlexSelectionKey[] slots = new FlexSelectionKey[16];
    /** Slots in use, holes included. */
    private int end;
    private int size;
    private int modCount;

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean contains(Object o) {
        if (!(o instanceof FlexSelectionKey)) {
            return false;
        }
        FlexSelectionKey k = (FlexSelectionKey) o;
        int i = k.selectedIndex;
        return i >= 0 && i < end && slots[i] == k;
    }

    @Override
    public boolean add(SelectionKey k) {
        throw new UnsupportedOperationException();
    }

    /** The selector adds a key; false if it is already in. */
    boolean addKey(FlexSelectionKey k) {
        if (contains(k)) {
            return false;
        }
        if (end == slots.length) {
            if (size <= end / 2) {
                compact();
            } else {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
        }
        slots[end] = k;
        k.selectedIndex = end;
        end++;
        size++;
        modCount++;
        return true;
    }

    @Override
    public boolean remove(Object o) {
        if (!contains(o)) {
            return false;
        }
        removeAt(((FlexSelectionKey) o).selectedIndex);
        modCount++;
        return true;
    }

    private void removeAt(int i) {
        slots[i].selectedIndex = -1;
        slots[i] = null;
        size--;
        if (size == 0) {
            end = 0; // the common case: everything handled, start again at slot 0
        }
    }

    @Override
    public void clear() {
        for (int i = 0; i < end; i++) {
            if (slots[i] != null) {
                slots[i].selectedIndex = -1;
                slots[i] = null;
            }
        }
        end = 0;
        size = 0;
        modCount++;
    }

    private void compact() {
        int j = 0;
        for (int i = 0; i < end; i++) {
            FlexSelectionKey k = slots[i];
            if (k != null) {
                slots[i] = null;
                slots[j] = k;
                k.selectedIndex = j;
                j++;
            }
        }
        end = j;
    }

    @Override
    public Iterator<SelectionKey> iterator() {
        return new Iterator<>() {
            private int next = advance(0);
            private int last = -1;
            private int expected = modCount;

            private int advance(int i) {
                while (i < end && slots[i] == null) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return next < end;
            }

            @Override
            public SelectionKey next() {
                if (modCount != expected) {
                    throw new ConcurrentModificationException();
                }
                if (next >= end) {
                    throw new NoSuchElementException();
                }
                last = next;
                next = advance(next + 1);
                return slots[last];
            }

            @Override
            public void remove() {
                if (last < 0) {
                    throw new IllegalStateException();
                }
                if (modCount != expected) {
                    throw new ConcurrentModificationException();
                }
                int keepEnd = end;
                removeAt(last);
                if (end != keepEnd) {
                    next = end; // the set is empty now: nothing is left to visit
                }
                last = -1;
            }
        };
    }
}
