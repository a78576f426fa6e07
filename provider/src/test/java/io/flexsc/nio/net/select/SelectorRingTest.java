package io.flexsc.nio.net.select;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flexsc.nio.net.FlexSelectorProvider;
import io.flexsc.nio.net.sys.NetSys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.Selector;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A batching selector on the uring engine has a ring of its own (one io_uring descriptor per open
 * selector, none left after close); on other engines it shares the process's engine.
 */
class SelectorRingTest {
    static long rings() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains("io_uring");
                } catch (IOException e) {
                    return false; // closed while listing
                }
            }).count();
        }
    }

    @Test
    void eachBatchingSelectorOwnsARingUntilClosed() throws Exception {
        FlexSelectorProvider p = new FlexSelectorProvider();
        boolean own = FlexSelector.OWN_RING && "uring".equals(NetSys.engine().name());
        Selector warm = p.openSelector(); // starts the shared engine (and its ring) if not yet
        warm.close();
        long before = rings();
        Selector[] open = new Selector[8];
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < open.length; i++) {
                open[i] = p.openSelector();
            }
            boolean batching = ((FlexSelector) open[0]).batching();
            assertEquals(before + (own && batching ? open.length : 0), rings(), "rings with 8 selectors open");
            for (Selector s : open) {
                s.selectNow(); // a batch through the selector's engine
                s.close();
            }
            assertEquals(before, rings(), "rings after closing them");
        }
    }
}
