package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The selector's selected-key set behaves as the JDK's (a HashSet that refuses additions). */
class SelectedKeySetTest {

    static FlexSelectionKey key() {
        return new FlexSelectionKey(null, null);
    }

    @Test
    void randomOperationsMatchAHashSet() {
        long seed = Long.getLong("flexsc.test.seed", System.nanoTime());
        Random rnd = new Random(seed);
        List<FlexSelectionKey> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add(key());
        }
        SelectedKeySet set = new SelectedKeySet();
        Set<SelectionKey> model = new HashSet<>();
        for (int step = 0; step < 20_000; step++) {
            FlexSelectionKey k = keys.get(rnd.nextInt(keys.size()));
            String where = "seed " + seed + " step " + step;
            switch (rnd.nextInt(6)) {
                case 0, 1 -> assertEquals(model.add(k), set.addKey(k), where);
                case 2 -> assertEquals(model.remove(k), set.remove(k), where);
                case 3 -> {
                    // iterate, removing some through the iterator
                    Set<SelectionKey> seen = new HashSet<>();
                    for (Iterator<SelectionKey> it = set.iterator(); it.hasNext(); ) {
                        SelectionKey s = it.next();
                        assertTrue(seen.add(s), "visited twice: " + where);
                        if (rnd.nextInt(3) == 0) {
                            it.remove();
                            model.remove(s);
                        }
                    }
                    assertTrue(seen.containsAll(set), where);
                }
                case 4 -> {
                    if (rnd.nextInt(50) == 0) {
                        set.clear();
                        model.clear();
                    }
                }
                default -> assertEquals(model.contains(k), set.contains(k), where);
            }
            assertEquals(model.size(), set.size(), where);
        }
        assertEquals(model, new HashSet<>(set));
    }

    @Test
    void refusesAdditionsAsTheJdkDoes() {
        SelectedKeySet set = new SelectedKeySet();
        assertThrows(UnsupportedOperationException.class, () -> set.add(key()));
        assertThrows(UnsupportedOperationException.class, () -> set.addAll(List.of(key())));
        assertFalse(set.contains("not a key"));
        assertFalse(set.remove("not a key"));
    }

    @Test
    void iteratorsAreFailFastAndCheckTheirState() {
        SelectedKeySet set = new SelectedKeySet();
        FlexSelectionKey a = key(), b = key(), c = key();
        set.addKey(a);
        set.addKey(b);
        Iterator<SelectionKey> it = set.iterator();
        assertThrows(IllegalStateException.class, it::remove, "remove before next");
        it.next();
        set.addKey(c);
        assertThrows(ConcurrentModificationException.class, it::next);
        Iterator<SelectionKey> it2 = set.iterator();
        it2.next();
        set.remove(c);
        assertThrows(ConcurrentModificationException.class, it2::next);
        Iterator<SelectionKey> it3 = set.iterator();
        it3.next();
        it3.remove();
        assertThrows(IllegalStateException.class, it3::remove, "remove twice");
        it3.next();
        it3.remove();
        assertFalse(it3.hasNext());
        assertThrows(NoSuchElementException.class, it3::next);
        assertTrue(set.isEmpty());
        assertFalse(set.contains(a));
        assertTrue(set.addKey(a), "a removed key can come back");
    }
}
