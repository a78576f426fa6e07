package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flexsc.nio.net.FlexSelectorProvider;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Registration racing another thread that cancels the new key. */
class RegisterRaceTest {
    static final SelectorProvider OURS = new FlexSelectorProvider();

    /**
     * Another thread cancels every key it sees in {@code keys()} while this one registers: a key
     * cancelled as soon as it is published must not make {@code register()} throw.
     */
    @Test
    void registerNeverThrowsWhenItsNewKeyIsCancelledAtOnce() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (Selector sel = OURS.openSelector()) {
                AtomicBoolean stop = new AtomicBoolean();
                Thread canceller = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            for (SelectionKey k : sel.keys()) {
                                k.cancel();
                            }
                        } catch (java.nio.channels.ClosedSelectorException e) {
                            return;
                        }
                    }
                });
                canceller.setDaemon(true);
                canceller.start();
                List<String> failures = new ArrayList<>();
                try {
                    for (int i = 0; i < 20_000 && failures.isEmpty(); i++) {
                        Pipe p = OURS.openPipe();
                        try {
                            p.source().configureBlocking(false);
                            p.source().register(sel, SelectionKey.OP_READ);
                        } catch (RuntimeException e) {
                            failures.add(i + ": " + e);
                        } finally {
                            p.source().close();
                            p.sink().close();
                        }
                        if ((i & 63) == 0) {
                            sel.selectNow(); // deregisters the cancelled keys
                        }
                    }
                } finally {
                    stop.set(true);
                    canceller.join();
                }
                assertEquals(List.of(), failures);
            }
        });
    }
}
