package io.flexsc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTableTest {
    @TempDir
    Path dir;

    private static final String HEADER =
            "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\",\"Param: engine\",\"Param: target\"";

    private Path csv(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    private String table(Path... files) throws IOException {
        List<ResultsTable.Row> rows = new java.util.ArrayList<>();
        for (Path f : files) {
            rows.addAll(ResultsTable.read(f));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ResultsTable.print(rows, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void ratiosAreToTheJdkAtTheSameTargetAndThreads() throws IOException {
        Path t1 = csv("t1.csv", HEADER,
                "\"io.flexsc.bench.JdkFileChannelBench.write\",\"avgt\",1,5,2000.0,40.0,\"ns/op\",,devnull",
                "\"io.flexsc.bench.EngineBench.single\",\"avgt\",1,5,2100.0,50.0,\"ns/op\",direct,devnull",
                "\"io.flexsc.bench.EngineBench.batch08\",\"avgt\",1,5,500.0,NaN,\"ns/op\",uring,devnull",
                "\"io.flexsc.bench.EngineBench.batch01\",\"avgt\",1,5,2180.0,50.0,\"ns/op\",direct,devnull",
                "\"io.flexsc.bench.EngineBench.single\",\"avgt\",1,5,3000.0,10.0,\"ns/op\",uring,devnull",
                "\"io.flexsc.bench.RawSyscallBench.write\",\"avgt\",1,5,1900.0,10.0,\"ns/op\",,devnull");
        Path t4 = csv("t4.csv", HEADER,
                "\"io.flexsc.bench.JdkFileChannelBench.write\",\"avgt\",4,5,4000.0,40.0,\"ns/op\",,devnull",
                "\"io.flexsc.bench.EngineBench.batch64\",\"avgt\",4,5,5000.0,40.0,\"ns/op\",uring:adaptive=false,devnull");
        String out = table(t1, t4);
        assertTrue(out.contains("| devnull | 1 | direct | execute | 2100 | ± 50 | 1.05 | 1.05 |"), out);
        assertTrue(out.contains("| devnull | 1 | uring | executeBatch x8 | 500 | n/a | 0.25 | 0.25 |"), out);
        assertTrue(out.contains("| devnull | 4 | uring:adaptive=false | executeBatch x64 | 5000 | ± 40 | 1.25 | 1.25 |"), out);
        assertTrue(out.contains("| devnull | 1 | jdk | FileChannel.write(buf) | 2000 | ± 40 | 1.00 | 1.00 |"), out);
        assertTrue(out.contains("- devnull, 1 threads, uring, executeBatch x8: met (0.25; 0.25), no error estimate"), out);
        assertTrue(out.contains("- devnull, 4 threads, uring:adaptive=false, executeBatch x64: NOT met (1.25; 1.25)" + System.lineSeparator()), out);
        assertTrue(out.contains("- devnull, direct, execute: met (1.05; 1.05)" + System.lineSeparator()), out);
        assertTrue(out.contains("- devnull, uring, execute: NOT met (1.50; 1.50)" + System.lineSeparator()), out);
        assertTrue(out.contains("- devnull, direct, executeBatch x1: met (1.09; 1.09), within the noise"), out);
        assertTrue(out.contains("| devnull | 1 | ffi | RawSyscall.invoke (no engine) | 1900 | ± 10 | 0.95 | 0.95 |"), out);
        assertTrue(!out.contains("- devnull, ffi"), "the FFI floor is no engine: " + out);
    }

    @Test
    void mediansAndIterationRangesAreUsedWhenPresent() throws IOException {
        String header = HEADER + ",\"Median\",\"Min\",\"Max\"";
        Path t1 = csv("t1.csv", header,
                "\"io.flexsc.bench.JdkFileChannelBench.write\",\"avgt\",1,5,3000.0,900.0,\"ns/op\",,file,2000.0,1900.0,6000.0",
                "\"io.flexsc.bench.EngineBench.single\",\"avgt\",1,5,2500.0,400.0,\"ns/op\",uring,file,2400.0,2300.0,3100.0",
                "\"io.flexsc.bench.EngineBench.batch32\",\"avgt\",1,5,1200.0,80.0,\"ns/op\",uring,file,1000.0,950.0,1100.0");
        String out = table(t1);
        assertTrue(out.contains("| file | 1 | jdk | FileChannel.write(buf, pos) | 2000 | 1900-6000 | 1.00 | 1.00 |"), out);
        assertTrue(out.contains("| file | 1 | uring | execute | 2400 | 2300-3100 | 1.20 | 1.20 |"), out);
        // the slowest JDK iteration (6000) overlaps the uring range, so the verdict is noisy
        assertTrue(out.contains("- file, uring, execute: NOT met (1.20; 1.20), within the noise"), out);
        // 950-1100 lies wholly below the JDK's 1900-6000
        assertTrue(out.contains("- file, 1 threads, uring, executeBatch x32: met (0.50; 0.50)" + System.lineSeparator()), out);
    }

    @Test
    void eachRunIsComparedWithItsOwnBaseline() throws IOException {
        Path a = csv("t1-file-direct.csv", HEADER,
                "\"io.flexsc.bench.JdkFileChannelBench.write\",\"avgt\",1,5,2000.0,10.0,\"ns/op\",,file",
                "\"io.flexsc.bench.EngineBench.single\",\"avgt\",1,5,2300.0,10.0,\"ns/op\",direct,file");
        Path b = csv("t1-file-uring.csv", HEADER,
                "\"io.flexsc.bench.EngineBench.single\",\"avgt\",1,5,2200.0,10.0,\"ns/op\",uring,file",
                "\"io.flexsc.bench.JdkFileChannelBench.write\",\"avgt\",1,5,4000.0,10.0,\"ns/op\",,file");
        String out = table(b, a);
        assertTrue(out.contains("- file, direct, execute: unclear (1.15; 0.77)"), out);
        assertTrue(out.contains("- file, uring, execute: met (0.55; 0.73)"), out);
        // file by file, the baseline first
        int jdkA = out.indexOf("| 2000 |");
        int direct = out.indexOf("| direct |");
        int jdkB = out.indexOf("| 4000 |");
        int uring = out.indexOf("| uring |");
        assertTrue(jdkA < direct && direct < jdkB && jdkB < uring, out);
    }

    @Test
    void aMissingBaselineIsSaidSo() throws IOException {
        Path t1 = csv("t1.csv", HEADER,
                "\"io.flexsc.bench.EngineBench.batch32\",\"avgt\",1,5,900.0,9.0,\"ns/op\",uring,file");
        String out = table(t1);
        assertTrue(out.contains("| file | 1 | uring | executeBatch x32 | 900 | ± 9 | n/a | n/a |"), out);
        assertTrue(out.contains("no JDK baseline"), out);
        assertTrue(out.contains("- not measured (no 1-thread engine results)"), out);
    }

    @Test
    void otherFilesAreRefused() throws IOException {
        Path bad = csv("bad.csv", "\"Benchmark\",\"Score\"", "\"x\",1");
        IOException e = assertThrows(IOException.class, () -> ResultsTable.read(bad));
        assertTrue(e.getMessage().contains("not a JMH CSV result"), e.getMessage());
    }

    @Test
    void csvQuotingIsUnderstood() {
        assertEquals(List.of("a,b", "c\"d", "", "e"), ResultsTable.fields("\"a,b\",\"c\"\"d\",,e"));
    }
}
