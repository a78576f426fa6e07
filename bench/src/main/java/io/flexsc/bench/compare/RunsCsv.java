package io.flexsc.bench.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads back the {@code runs.csv} that {@link Report#runsCsv} writes. */
public final class RunsCsv {
    /** The numeric metrics; every other column after {@code note} is textual information. */
    static final Set<String> METRICS = Set.of("msgsPerSec", "p50Us", "p99Us", "serverCpuCores", "clientCpuCores",
            "serverCpuUsPerMsg", "totalCpuUsPerMsg", "rssPeakMiB", "heapAfterGcMiB", "avgBatch", "opsPerSec",
            "cpuUsPerOp", "cpuCores", "crossingsPerMsg", "fileOpsPerSec",
            "countMsgsPerSec");

    private RunsCsv() {}

    public static List<Measurement> read(Path csv) throws IOException {
        return parse(Files.readString(csv, StandardCharsets.UTF_8));
    }

    static List<Measurement> parse(String text) {
        List<List<String>> rows = records(text);
        List<Measurement> out = new ArrayList<>();
        if (rows.isEmpty()) {
            return out;
        }
        List<String> head = rows.get(0);
        for (List<String> r : rows.subList(1, rows.size())) {
            if (r.size() < 6) {
                continue;
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            Map<String, String> info = new LinkedHashMap<>();
            for (int i = 6; i < head.size() && i < r.size(); i++) {
                String name = head.get(i);
                String v = r.get(i);
                if (v.isEmpty()) {
                    continue;
                }
                if (METRICS.contains(name)) {
                    metrics.put(name, Double.parseDouble(v));
                } else {
                    info.put(name, v);
                }
            }
            out.add(new Measurement(r.get(0), r.get(1), r.get(2), Integer.parseInt(r.get(3)), Boolean.parseBoolean(r.get(4)),
                    r.get(5), metrics, info));
        }
        return out;
    }

    /** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
    static List<List<String>> records(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (field.length() > 0 || !row.isEmpty()) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
