#!/usr/bin/env python3
"""Summarizes one test-vm/bench-suites.sh run directory as Markdown on standard output.

File benchmarks: FsBench's own table (medians of the pooled, interleaved iterations, ratio to the JDK).
Socket benchmark: PipelinedEcho lines from echo.csv; per variant the median messages/s over the
rounds and its ratio to the JDK's provider and to the direct engine. Exits 1 when a part is missing.
"""
import csv
import re
import statistics
import sys
from pathlib import Path


def echo_table(path):
    rates = {}
    for row in csv.DictReader(path.open()):
        m = re.search(r"msgs/s=([0-9.]+)", row["line"])
        if m:
            rates.setdefault(row["variant"], []).append(float(m.group(1)))
    if not rates:
        return None
    order = [v for v in ("jdk", "direct", "uring", "kmod") if v in rates] + sorted(set(rates) - {"jdk", "direct", "uring", "kmod"})
    med = {v: statistics.median(rates[v]) for v in order}
    out = ["| provider / engine | runs | median msgs/s | / JDK | / direct |", "|---|---:|---:|---:|---:|"]
    for v in order:
        name = "JDK provider" if v == "jdk" else "flexsc, " + v
        jdk = f"{med[v] / med['jdk']:.2f}x" if "jdk" in med else "-"
        direct = f"{med[v] / med['direct']:.2f}x" if "direct" in med else "-"
        out.append(f"| {name} | {len(rates[v])} | {med[v]:.0f} | {jdk} | {direct} |")
    return "\n".join(out)


def main():
    run = Path(sys.argv[1])
    ok = True
    print(f"# VM benchmarks: {run.name}\n")
    meta = run / "meta.txt"
    if meta.exists():
        print("```\n" + meta.read_text().strip() + "\n```\n")
    print("## File: FileChannelBench, positional reads and writes (ops/ms; ratio to the JDK, median and range)\n")
    table = run / "fs" / "table.md"
    if table.exists():
        print(table.read_text())
    else:
        print("**missing**: no fs/table.md (see fs.log)\n")
        ok = False
    print("## Socket: PipelinedEcho, 64 connections, 64 B messages, 16 in flight each\n")
    echo = run / "echo.csv"
    t = echo_table(echo) if echo.exists() else None
    if t:
        print(t + "\n")
    else:
        print("**missing**: no PipelinedEcho results (see echo-*.err)\n")
        ok = False
    crashes = sorted(p.name for p in run.glob("hs_err_*.log"))
    if crashes:
        print(f"JVM crash reports in the run: {', '.join(crashes)}\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
