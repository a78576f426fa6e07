package io.flexsc.bench.fs;

import io.flexsc.nio.engine.Call;
import io.flexsc.nio.engine.Engines;
import io.flexsc.nio.engine.SyscallEngine;
import io.flexsc.nio.ffi.Errno;
import io.flexsc.nio.ffi.NativeMemory;
import io.flexsc.nio.ffi.RawSyscall;
import io.flexsc.nio.ffi.SysNr;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where the time of one 64-byte {@code read(buf, pos)} goes, layer by layer, on one thread: the
 * JDK's channel, ours, the engine's entry points, and the raw {@code syscall(2)} bindings (the
 * short four-argument one and the seven-parameter one), with {@code getpid} as the bare cost of a
 * kernel crossing. Each layer is timed in rounds of {@code n} calls; the layers take turns, round
 * after round, and the fastest round of each is reported (the least disturbed by other load).
 * Every result is checked.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.flexsc.bench.fs.CallCost [engine] [rounds] [n]
 * </pre>
 *
 * A diagnostic, not a benchmark: JMH's {@link FileChannelBench} gives the figures.
 */
public final class CallCost {
    private CallCost() {}

    private interface Op {
        long run() throws IOException;
    }

    public static void main(String[] args) throws IOException {
        String engine = args.length > 0 ? args[0] : "direct";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        Path file = BenchFile.create("flexsc-callcost-", 1 << 20);
        FsImpl ours = FsImpl.parse(engine);
        long path = 0;
        int fd = -1;
        try (FileChannel jdk = new RandomAccessFile(file.toFile(), "rw").getChannel();
             FileChannel flex = ours.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            byte[] name = file.toString().getBytes(StandardCharsets.UTF_8);
            path = NativeMemory.allocate(name.length + 1);
            NativeMemory.wrap(path, name.length + 1).put(name).put((byte) 0);
            fd = (int) RawSyscall.invoke(SysNr.OPENAT, -100, path, 0, 0, 0, 0);
            if (Errno.isError(fd)) {
                throw new IOException("openat: errno " + Errno.of(fd));
            }
            int raw = fd;
            SyscallEngine e = ours.isJdk() ? null : Engines.shared();
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            long addr = NativeMemory.address(b);
            String[] names = {"JDK FileChannel.read(buf, pos)", "our FileChannel.read(buf, pos)",
                "engine.syscall(nr, a0..a5)", "engine.execute(new Call)", "RawSyscall.invoke4 (pread64)",
                "RawSyscall.invoke, 7 params", "RawSyscall.invoke3 (getpid)"};
            Op[] ops = {
                () -> jdk.read(b.clear(), 4096),
                () -> flex.read(b.clear(), 4096),
                () -> e.syscall(SysNr.PREAD64, raw, addr, 64, 4096, 0, 0),
                () -> e.execute(new Call(SysNr.PREAD64, raw, addr, 64, 4096, 0, 0)),
                () -> RawSyscall.invoke4(SysNr.PREAD64, raw, addr, 64, 4096),
                () -> RawSyscall.invoke(SysNr.PREAD64, raw, addr, 64, 4096, 0, 0),
                () -> RawSyscall.invoke3(SysNr.GETPID, 0, 0, 0),
            };
            long[] expect = {64, 64, 64, 64, 64, 64, ProcessHandle.current().pid()};
            double[] best = new double[ops.length];
            Arrays.fill(best, Double.MAX_VALUE);
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < ops.length; i++) {
                    if (e == null && (i == 1 || i == 2 || i == 3)) {
                        continue;
                    }
                    long t0 = System.nanoTime();
                    for (int k = 0; k < n; k++) {
                        long r = ops[i].run();
                        if (r != expect[i]) {
                            throw new IllegalStateException(names[i] + " returned " + r + ", expected " + expect[i]);
                        }
                    }
                    best[i] = Math.min(best[i], (System.nanoTime() - t0) / (double) n);
                }
            }
            System.out.println("engine: " + (e == null ? "none (jdk)" : e.name()) + "; fastest of " + rounds
                    + " rounds of " + n + " calls, ns per call");
            for (int i = 0; i < ops.length; i++) {
                if (best[i] != Double.MAX_VALUE) {
                    System.out.println(String.format(Locale.ROOT, "  %-32s %6.0f", names[i], best[i]));
                }
            }
        } finally {
            if (fd >= 0) {
                RawSyscall.invoke3(SysNr.CLOSE, fd, 0, 0);
            }
            if (path != 0) {
                NativeMemory.free(path);
            }
            Files.deleteIfExists(file);
        }
    }
}
