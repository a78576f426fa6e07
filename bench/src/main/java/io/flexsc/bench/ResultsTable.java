package io.flexsc.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns CSV result files of {@link EngineBench}, {@link JdkFileChannelBench} and
 * {@link RawSyscallBench} into a Markdown table of nanoseconds per call with each row's ratio to the
 * JDK's {@code FileChannel} at the same target and thread count, measured in the same JMH run (the
 * same file) where it was, followed by an evaluation of the goals:
 *
 * <ol>
 *   <li>every {@code uring} engine at explicit batches of 8 or more costs less per call than the
 *       JDK;</li>
 *   <li>an uncontended call (1 thread; {@code execute}, and {@code executeBatch} of 1) on every
 *       engine is within 10% of the JDK's.</li>
 * </ol>
 *
 * <p>The files are JMH's CSV ({@code -rf csv}), optionally with the extra columns {@code Median},
 * {@code Min} and {@code Max} of the measurement iterations ({@code bench/run.sh} derives them from
 * JMH's JSON). With them, a row's figure is the median iteration, which a burst of load from other
 * processes moves less than the mean, and its spread is fastest to slowest iteration; without them
 * the figure is JMH's mean and the spread its 99.9% error. A verdict whose spread overlaps the
 * limit's (the JDK's spread times the limit) is marked "within the noise": another run could turn
 * it.
 *
 * <p>Each row has two ratios: to the JDK measured in the same file (the same JMH run, close in
 * time) and to the median of the JDK's figures over all files for that target and thread count
 * (robust to one baseline caught by a burst of load). A goal is "met" or "NOT met" when both agree,
 * "unclear" when they do not.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.flexsc.bench.ResultsTable <csv>...}. Stateless.
 */
public final class ResultsTable {
    private ResultsTable() {}

    /** Within this ratio to the JDK an uncontended call counts as "as cheap". */
    static final double UNCONTENDED_LIMIT = 1.10;
    /** The smallest explicit batch the batching goal is about. */
    static final int GOAL_BATCH = 8;

    /**
     * One JMH result row, normalised. {@code engine} is {@code jdk} for the baseline and {@code ffi}
     * for {@link RawSyscallBench} (no engine; shown for reference, not part of the goals).
     */
    record Row(String source, String method, String engine, String target, int threads, int samples,
               double score, double error, String unit, double median, double min, double max) {

        /** The figure compared: the median of the iterations if known, else JMH's mean. */
        double center() {
            return Double.isNaN(median) ? score : median;
        }

        /** Low end of the row's spread: the fastest iteration if known, else mean - error. */
        double low() {
            return Double.isNaN(min) ? score - error : min;
        }

        /** High end of the row's spread: the slowest iteration if known, else mean + error. */
        double high() {
            return Double.isNaN(max) ? score + error : max;
        }

        /** Calls per batch (0 for {@code execute}), -1 for the JDK, -2 for the FFI floor. */
        int batch() {
            if ("jdk".equals(engine)) {
                return -1;
            }
            if ("ffi".equals(engine)) {
                return -2;
            }
            if (method.startsWith("batch")) {
                return Integer.parseInt(method.substring("batch".length()));
            }
            return 0;
        }

        String call() {
            int b = batch();
            if (b == -2) {
                return "RawSyscall.invoke (no engine)";
            }
            if (b == -1) {
                return "FileChannel." + ("file".equals(target) ? "write(buf, pos)" : "write(buf)");
            }
            return b == 0 ? "execute" : "executeBatch x" + b;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: ResultsTable <jmh-result.csv>...");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (String a : args) {
            rows.addAll(read(Paths.get(a)));
        }
        print(rows, System.out);
    }

    /** Reads one JMH CSV file; rows of other benchmarks are left out. */
    static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        if (lines.isEmpty()) {
            return rows;
        }
        List<String> header = fields(lines.get(0));
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            col.put(header.get(i), i);
        }
        for (String c : List.of("Benchmark", "Threads", "Samples", "Score", "Score Error (99.9%)", "Unit", "Param: target")) {
            if (!col.containsKey(c)) {
                throw new IOException(csv + ": not a JMH CSV result of these benchmarks (no column '" + c + "')");
            }
        }
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            String bench = f.get(col.get("Benchmark"));
            int dot = bench.lastIndexOf('.');
            String method = bench.substring(dot + 1);
            String cls = bench.substring(bench.lastIndexOf('.', dot - 1) + 1, dot);
            String engine;
            if (cls.equals(JdkFileChannelBench.class.getSimpleName())) {
                engine = "jdk";
            } else if (cls.equals(RawSyscallBench.class.getSimpleName())) {
                engine = "ffi";
            } else if (cls.equals(EngineBench.class.getSimpleName())) {
                engine = f.get(col.get("Param: engine"));
            } else {
                continue;
            }
            rows.add(new Row(csv.toString(), method, engine, f.get(col.get("Param: target")),
                    Integer.parseInt(f.get(col.get("Threads"))), Integer.parseInt(f.get(col.get("Samples"))),
                    number(f.get(col.get("Score"))), number(f.get(col.get("Score Error (99.9%)"))),
                    f.get(col.get("Unit")), optional(f, col, "Median"), optional(f, col, "Min"), optional(f, col, "Max")));
        }
        return rows;
    }

    private static double optional(List<String> f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null ? Double.NaN : number(f.get(i));
    }

    private static double number(String s) {
        return "NaN".equals(s) ? Double.NaN : Double.parseDouble(s);
    }

    /** Splits one CSV line (RFC 4180 quoting, as JMH writes it). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * The JDK's row for the row's target and thread count: the one from the same file (the same JMH
     * run) if there is one, else the first from any file; null if not measured.
     */
    private static Row baselineRow(List<Row> rows, Row r) {
        Row any = null;
        for (Row b : rows) {
            if (b.batch() == -1 && b.target().equals(r.target()) && b.threads() == r.threads()) {
                if (b.source().equals(r.source())) {
                    return b;
                }
                if (any == null) {
                    any = b;
                }
            }
        }
        return any;
    }

    /** The JDK's score for the row's target and thread count, or NaN if not measured. */
    private static double baseline(List<Row> rows, Row r) {
        Row b = baselineRow(rows, r);
        return b == null ? Double.NaN : b.center();
    }

    /**
     * The median of all the JDK's figures for the row's target and thread count (one per JMH run);
     * NaN if not measured. Less moved by one run's burst of load than a single baseline.
     */
    private static double pooledBaseline(List<Row> rows, Row r) {
        List<Double> v = new ArrayList<>();
        for (Row b : rows) {
            if (b.batch() == -1 && b.target().equals(r.target()) && b.threads() == r.threads()) {
                v.add(b.center());
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /**
     * Whether the row's spread overlaps {@code limit} times the JDK's spread: then the verdict could
     * flip on another run. Both rows have a spread.
     */
    private static boolean withinNoise(List<Row> rows, Row r, double limit) {
        Row b = baselineRow(rows, r);
        double lo = r.low();
        double hi = r.high();
        double blo = b.low() * limit;
        double bhi = b.high() * limit;
        return lo <= bhi && blo <= hi;
    }

    /** Prints the table and the goals. */
    static void print(List<Row> rows, PrintStream out) {
        List<Row> sorted = new ArrayList<>(rows);
        // By target and threads, then file by file (a file is one JMH run): its JDK baseline first.
        sorted.sort(Comparator.comparing(Row::target).thenComparingInt(Row::threads).thenComparing(Row::source)
                .thenComparingInt(r -> r.batch() == -1 ? -2 : r.batch() == -2 ? -1 : 0)
                .thenComparing(Row::engine).thenComparingInt(Row::batch));
        out.println("| target | threads | engine | call | ns/call | spread | ratio to JDK (same run) | ratio to JDK (median of runs) |");
        out.println("|---|---:|---|---|---:|---:|---:|---:|");
        for (Row r : sorted) {
            if (!"ns/op".equals(r.unit())) {
                throw new IllegalArgumentException(r + ": expected ns/op");
            }
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.0f | %s | %s | %s |%n", r.target(), r.threads(), r.engine(),
                    r.call(), r.center(), spread(r), ratio(r.center() / baseline(rows, r)),
                    ratio(r.center() / pooledBaseline(rows, r)));
        }
        out.println();
        out.println("Goal 1: uring at explicit batches of >= " + GOAL_BATCH + " costs less per call than the JDK");
        boolean any = false;
        for (Row r : sorted) {
            if (r.engine().startsWith("uring") && r.batch() >= GOAL_BATCH) {
                any = true;
                double q = r.center() / baseline(rows, r);
                double p = r.center() / pooledBaseline(rows, r);
                out.printf(Locale.ROOT, "- %s, %d threads, %s, %s: %s (%s; %s)%s%n", r.target(), r.threads(), r.engine(),
                        r.call(), verdict(q < 1.0, p < 1.0, q), ratio(q), ratio(p), noise(rows, r, 1.0));
            }
        }
        if (!any) {
            out.println("- not measured (no uring results)");
        }
        out.println();
        out.printf(Locale.ROOT, "Goal 2: an uncontended call (1 thread) on every engine is within %.0f%% of the JDK's%n",
                (UNCONTENDED_LIMIT - 1) * 100);
        any = false;
        for (Row r : sorted) {
            if (r.threads() == 1 && r.batch() >= 0 && r.batch() <= 1) {
                any = true;
                double q = r.center() / baseline(rows, r);
                double p = r.center() / pooledBaseline(rows, r);
                out.printf(Locale.ROOT, "- %s, %s, %s: %s (%s; %s)%s%n", r.target(), r.engine(), r.call(),
                        verdict(q <= UNCONTENDED_LIMIT, p <= UNCONTENDED_LIMIT, q), ratio(q), ratio(p),
                        noise(rows, r, UNCONTENDED_LIMIT));
            }
        }
        if (!any) {
            out.println("- not measured (no 1-thread engine results)");
        }
    }

    private static String noise(List<Row> rows, Row r, double limit) {
        Row b = baselineRow(rows, r);
        if (b == null) {
            return "";
        }
        if (Double.isNaN(r.low() + r.high() + b.low() + b.high())) {
            return ", no error estimate";
        }
        return withinNoise(rows, r, limit) ? ", within the noise" : "";
    }

    private static String spread(Row r) {
        if (!Double.isNaN(r.min()) && !Double.isNaN(r.max())) {
            return String.format(Locale.ROOT, "%.0f-%.0f", r.min(), r.max());
        }
        return Double.isNaN(r.error()) ? "n/a" : String.format(Locale.ROOT, "± %.0f", r.error());
    }

    /** Met or not by both ratios (same run; median of runs), or unclear when they disagree. */
    private static String verdict(boolean met, boolean metPooled, double q) {
        if (Double.isNaN(q)) {
            return "no JDK baseline";
        }
        if (met != metPooled) {
            return "unclear";
        }
        return met ? "met" : "NOT met";
    }

    private static String ratio(double q) {
        return Double.isNaN(q) ? "n/a" : String.format(Locale.ROOT, "%.2f", q);
    }
}
