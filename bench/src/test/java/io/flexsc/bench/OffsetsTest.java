package io.flexsc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OffsetsTest {

    @Test
    void offsetsAreAlignedInsideTheFileAndSpread() {
        Offsets o = new Offsets();
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            long off = o.next();
            assertEquals(0, off % Offsets.ALIGN, "aligned: " + off);
            assertTrue(off >= 0 && off + Offsets.ALIGN <= Offsets.FILE_SIZE, "inside the file: " + off);
            seen.add(off);
        }
        // 10,000 draws from 16,384 slots: a fair generator hits thousands of distinct slots.
        assertTrue(seen.size() > 5_000, "distinct offsets: " + seen.size());
    }

    @Test
    void eachInstanceHasItsOwnSequence() {
        Offsets a = new Offsets();
        Offsets b = new Offsets();
        long[] sa = new long[8];
        long[] sb = new long[8];
        for (int i = 0; i < 8; i++) {
            sa[i] = a.next();
            sb[i] = b.next();
        }
        assertNotEquals(java.util.Arrays.toString(sa), java.util.Arrays.toString(sb));
    }
}
