package io.flexsc.bench.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlignedOffsetsTest {
    @Test
    void offsetsAreAlignedInsideTheFileAndSpread() {
        for (int size : new int[] {64, 4096, 65536}) {
            long fileSize = 8L << 20;
            AlignedOffsets o = new AlignedOffsets(fileSize, size);
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 10_000; i++) {
                long off = o.next();
                assertEquals(0, off % size, "aligned");
                assertTrue(off >= 0 && off + size <= fileSize, "inside: " + off);
                seen.add(off);
            }
            long slots = fileSize / size;
            assertTrue(seen.size() >= Math.min(slots, 10_000) / 2, size + ": only " + seen.size() + " distinct offsets");
        }
    }

    @Test
    void threadsGetDifferentSequences() {
        AlignedOffsets a = new AlignedOffsets(1 << 20, 64);
        AlignedOffsets b = new AlignedOffsets(1 << 20, 64);
        long[] sa = new long[8];
        long[] sb = new long[8];
        for (int i = 0; i < 8; i++) {
            sa[i] = a.next();
            sb[i] = b.next();
        }
        assertNotEquals(java.util.Arrays.toString(sa), java.util.Arrays.toString(sb));
    }

    @Test
    void fileMustHoldWholeTransfers() {
        assertThrows(IllegalArgumentException.class, () -> new AlignedOffsets(100, 64));
        assertThrows(IllegalArgumentException.class, () -> new AlignedOffsets(32, 64));
        assertThrows(IllegalArgumentException.class, () -> new AlignedOffsets(1024, 0));
    }
}
