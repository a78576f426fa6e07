package io.flexsc.bench.soak;

/**
 * The bytes a soak connection sends: a function of the connection's seed and the byte's offset in
 * the stream, so that the echo can be checked byte by byte (a lost, duplicated, reordered or
 * corrupted byte shows at the offset where it happens).
 */
final class Pattern {
    private Pattern() {}

    static byte at(long seed, long offset) {
        long x = seed + offset * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        return (byte) (x ^ (x >>> 32));
    }
}
