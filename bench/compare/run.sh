#!/usr/bin/env bash
# Issue 7: the transport comparison. Builds the reactor, then runs io.flexsc.bench.compare.CompareRunner:
# the examples' EchoServer on every variant (jdk-nio, flexsc-direct, flexsc-uring, flexsc-kmod when
# /dev/flexsc exists, netty-epoll, netty-io_uring) under the examples' LoadClient, and the issue-4
# file benchmarks (jdk, direct, uring), interleaved over several rounds. Writes, under
# bench/results/compare-<UTC date-time>/: rounds.txt (progress, load average per round), runs.csv
# (every run), summary.csv/summary.json (medians, ranges, ratios), table.md (tables, goals) and
# PNG charts, plus logs/ (each server's and client's output, the JMH logs).
#
# usage: bench/compare/run.sh [--quick] [--no-build] [-o DIR] [-- RUNNER-ARGS...]
#
#   --quick     a smoke test: 1 round, 1.5 s warm-up + 1.5 s measured, the 64-connection scenarios
#               only, one file case, no copy
#   --no-build  use the jars already built
#   -o DIR      output directory
#   RUNNER-ARGS passed on (they come after the defaults, so they win): --rounds N, --warmup S,
#               --duration S, --connections 1,64,1000, --sizes 64,4096, --depths 16,1,
#               --variants jdk-nio,flexsc-uring,..., --jvm "-Xms512m -Xmx512m", --server-jvm "FLAGS", --no-file,
#               --no-echo, --file-ops REGEX, --file-sizes 64,4096, --file-iterations N, --no-copy
#
# The defaults (3 rounds, 2 s warm-up + 2.5 s measured per echo run, 12 echo scenarios x 5 variants,
# 8 file cases + the copy x 3 implementations) take about 30 minutes on the project's 2-core VM.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=1
quick=0
out=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --no-build) build=0; shift ;;
        -o) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ "$build" = 1 ]; then
    (cd "$root" && mvn -B -q -DskipTests package)
fi
version=$(cd "$root" && sed -n 's:.*<version>\(.*-SNAPSHOT\)</version>.*:\1:p' pom.xml | head -n 1)
dropin="$root/provider/target/flexsc-nio-$version-all.jar"
examples="$root/examples/target/flexsc-nio-examples-$version.jar"   # names Netty etc. in its manifest
bench="$root/bench/target/benchmarks.jar"
for f in "$dropin" "$examples" "$bench"; do
    [ -f "$f" ] || { echo "run.sh: $f is missing; run without --no-build" >&2; exit 1; }
done

# 1,000 connections: 2,000 sockets in the client and server processes together, plus the JVMs' own
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    echo "run.sh: open-file limit $(ulimit -n) is below 4096; 1,000 connections may fail" >&2
fi

if [ -z "$out" ]; then
    out="$root/bench/results/compare-$(date -u +%Y%m%d-%H%M%S)"
fi
mkdir -p "$out"

args=()
if [ "$quick" = 1 ]; then
    args+=(--rounds 1 --warmup 1.5 --duration 1.5 --connections 64 --file-ops readPos --file-sizes 64
           --file-iterations 1 --no-copy)
fi

header="$out/header.md"
{
    echo "- command: \`bench/compare/run.sh $*\`"
    echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), Linux $(uname -r), $(java -version 2>&1 | head -n 1)"
    echo "- uptime at the start: $(uptime)"
    echo "- commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- provider examples bench/src 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "- open-file limit: $(ulimit -n)"
} > "$header"
cat "$header"

java -Djava.awt.headless=true -cp "$bench" io.flexsc.bench.compare.CompareRunner \
    --out "$out" --server-cp "$examples" --client-cp "$examples" --dropin "$dropin" --header "$header" \
    "${args[@]}" "${extra[@]}"
echo "uptime at the end: $(uptime)" | tee -a "$out/rounds.txt"
