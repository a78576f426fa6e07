package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flexsc.nio.net.FlexSelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The selector's attention set against a model (an insertion-ordered list without duplicates). */
class AttentionListTest {
    static FlexSelectionKey key() {
        return new FlexSelectionKey(null, null);
    }

    static List<FlexSelectionKey> contents(AttentionList l) {
        List<FlexSelectionKey> out = new ArrayList<>();
        l.startPass();
        FlexSelectionKey k;
        while ((k = l.next()) != null) {
            out.add(k);
            l.keep(k);
        }
        l.endPass();
        return out;
    }

    @Test
    void addIsIdempotentAndOrdered() {
        AttentionList l = new AttentionList();
        FlexSelectionKey a = key(), b = key();
        l.add(a);
        l.add(b);
        l.add(a);
        assertEquals(List.of(a, b), contents(l));
        l.remove(a);
        assertFalse(a.inAttention);
        assertEquals(List.of(b), contents(l));
        l.remove(b);
        assertTrue(l.isEmpty());
    }

    @Test
    void aPassCutShortKeepsWhatItDidNotVisitAndWhatWasAdded() {
        AttentionList l = new AttentionList();
        FlexSelectionKey a = key(), b = key(), c = key(), d = key();
        l.add(a);
        l.add(b);
        l.add(c);
        l.startPass();
        assertSame(a, l.next());
        l.drop(a);
        l.add(d); // added during the pass
        assertSame(b, l.next());
        l.keep(b);
        l.endPass(); // c was never visited (an action threw, say)
        assertEquals(List.of(b, c, d), contents(l));
        assertFalse(a.inAttention);
        l.add(a);
        assertEquals(List.of(b, c, d, a), contents(l));
    }

    @Test
    void aPassSkipsAndDropsCancelledKeys() throws Exception {
        FlexSelectorProvider p = new FlexSelectorProvider();
        try (java.nio.channels.Selector sel = p.openSelector()) {
            java.nio.channels.Pipe pipe = p.openPipe();
            pipe.source().configureBlocking(false);
            FlexSelectionKey cancelled = (FlexSelectionKey) pipe.source().register(sel, java.nio.channels.SelectionKey.OP_READ);
            AttentionList l = new AttentionList();
            FlexSelectionKey a = key();
            l.add(cancelled);
            l.add(a);
            cancelled.cancel();
            assertEquals(List.of(a), contents(l));
            assertFalse(cancelled.inAttention);
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void randomOperationsAgreeWithAModel() {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        List<FlexSelectionKey> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pool.add(key());
        }
        AttentionList l = new AttentionList();
        List<FlexSelectionKey> model = new ArrayList<>();
        for (int op = 0; op < 20_000; op++) {
            FlexSelectionKey k = pool.get(rnd.nextInt(pool.size()));
            switch (rnd.nextInt(3)) {
                case 0:
                    l.add(k);
                    if (!model.contains(k)) {
                        model.add(k);
                    }
                    break;
                case 1:
                    l.remove(k);
                    model.remove(k);
                    break;
                default: { // a pass dropping some keys, possibly cut short
                    int stopAt = rnd.nextInt(model.size() + 2);
                    List<FlexSelectionKey> kept = new ArrayList<>();
                    l.startPass();
                    FlexSelectionKey x;
                    int visited = 0;
                    while (visited < stopAt && (x = l.next()) != null) {
                        assertSame(model.get(visited), x, "seed " + seed);
                        visited++;
                        if (rnd.nextBoolean()) {
                            l.keep(x);
                            kept.add(x);
                        } else {
                            l.drop(x);
                        }
                    }
                    l.endPass();
                    kept.addAll(model.subList(Math.min(visited, model.size()), model.size()));
                    model = kept;
                }
            }
            assertEquals(model.isEmpty(), l.isEmpty(), "seed " + seed);
            assertEquals(model.size(), l.size(), "seed " + seed);
            for (FlexSelectionKey p : pool) {
                assertEquals(model.contains(p), p.inAttention, "seed " + seed);
            }
        }
        assertEquals(model, contents(l), "seed " + seed);
    }
}
