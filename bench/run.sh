#!/usr/bin/env bash
# Builds the benchmarks and runs a selection of them at several thread counts, writing JMH's JSON
# results, a CSV digest of them, the JMH log and a Markdown summary (ns/call and ratio to the JDK)
# under bench/results/. Needs jq.
#
# usage: bench/run.sh [-t "1 4 16"] [-e "direct uring"] [-o DIR] [--no-build] [REGEX...] [-- JMH-ARGS...]
#
#   -t THREADS   thread counts to run, one JMH run each (default "1 4 16")
#   -e ENGINES   engine specs for EngineBench's engine parameter (default "direct uring"); a spec is
#                NAME or NAME:key=value (sets -Dflexsc.NAME.key=value in the fork), e.g.
#                "direct uring:adaptive=true uring:adaptive=false". Engines that cannot start here
#                are left out with the reason printed.
#   -o DIR       output directory (default bench/results/<UTC date-time>)
#   --no-build   use the existing bench/target/benchmarks.jar
#   REGEX        JMH benchmark selection (default: all: EngineBench, JdkFileChannelBench and
#                RawSyscallBench)
#   JMH-ARGS     passed to JMH; an option given here replaces the default of the same name,
#                e.g. -- -p target=file -i 10
#
# Defaults are short, for a shared 2-core machine: -f 1 -wi 3 -i 5 -w 1s -r 1s. Timings here are
# noisy: compare the ratios of one run, never absolute times across runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/benchmarks.jar"

threads="1 4 16"
engines="direct uring"
out=""
build=1
selection=()
extra=()

while [ $# -gt 0 ]; do
    case "$1" in
        -t) threads="$2"; shift 2 ;;
        -e) engines="$2"; shift 2 ;;
        -o) out="$2"; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        --) shift; extra=("$@"); break ;;
        -*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
        *) selection+=("$1"); shift ;;
    esac
done

for t in $threads; do
    case "$t" in
        ''|*[!0-9]*) echo "run.sh: thread count '$t' is not a positive number" >&2; exit 2 ;;
    esac
done

if ! command -v jq >/dev/null; then
    echo "run.sh: jq is needed to digest JMH's JSON results (apt-get install jq)" >&2
    exit 1
fi

if [ "$build" = 1 ]; then
    (cd "$root" && mvn -B -q -pl bench -am package -DskipTests)
fi
if [ ! -f "$jar" ]; then
    echo "run.sh: $jar is missing; run without --no-build" >&2
    exit 1
fi

if [ -z "$out" ]; then
    out="$here/results/$(date -u +%Y%m%d-%H%M%S)"
fi
mkdir -p "$out"

# Engines that cannot start here are left out, with the reason (EngineProbe prints it on stderr).
# shellcheck disable=SC2086 # the specs are words on purpose
if ! available=$(java -cp "$jar" io.flexsc.bench.EngineProbe $engines 2>"$out/skipped.txt"); then
    echo "run.sh: none of the engines ($engines) can start here; running the JDK baseline only" >&2
    selection=("JdkFileChannelBench")
fi
cat "$out/skipped.txt" >&2
engine_param=$(echo "$available" | paste -sd, -)

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "kernel: $(uname -r)"
    echo "cpus: $(nproc)"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java: $(java -version 2>&1 | head -n 2 | tr '\n' ' ')"
    echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    if git -C "$root" rev-parse --verify -q uring >/dev/null 2>&1; then
        echo "uring branch: $(git -C "$root" log -1 --format='%h %s' uring)"
        echo "uring branch merged into commit: $(git -C "$root" merge-base --is-ancestor uring HEAD && echo yes || echo no)"
    fi
    echo "engines: ${engine_param:-none}"
    sed 's/^/  /' "$out/skipped.txt"
    echo "threads: $threads"
    echo "selection: ${selection[*]:-all}"
} > "$out/meta.txt"

# The short defaults, less those JMH-ARGS override (JMH refuses an option given twice).
defaults=()
set -- -f 1 -wi 3 -i 5 -w 1s -r 1s
while [ $# -gt 0 ]; do
    overridden=0
    for a in "${extra[@]}"; do
        if [ "$a" = "$1" ]; then overridden=1; fi
    done
    if [ "$overridden" = 0 ]; then defaults+=("$1" "$2"); fi
    shift 2
done

echo "jmh args: ${defaults[*]} ${extra[*]:-} -t <threads> -rf json" >> "$out/meta.txt"
cat "$out/meta.txt"

csvs=()
for t in $threads; do
    params=()
    if [ -n "$engine_param" ]; then
        params=(-p "engine=$engine_param")
    fi
    echo "== $t thread(s) =="
    java -jar "$jar" "${selection[@]}" "${defaults[@]}" "${params[@]}" -t "$t" \
        "${extra[@]}" -rf json -rff "$out/t$t.json" 2>&1 | tee "$out/t$t.log"
    # JMH's CSV columns plus the median, fastest and slowest measurement iteration.
    jq -r '(["Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit",
             "Param: engine","Param: target","Median","Min","Max"] | @csv),
           (.[] | [.benchmark, .mode, .threads, (.primaryMetric.rawData | map(length) | add),
                   .primaryMetric.score, .primaryMetric.scoreError, .primaryMetric.scoreUnit,
                   (.params.engine // ""), (.params.target // ""),
                   .primaryMetric.scorePercentiles["50.0"], .primaryMetric.scorePercentiles["0.0"],
                   .primaryMetric.scorePercentiles["100.0"]] | @csv)' "$out/t$t.json" > "$out/t$t.csv"
    csvs+=("$out/t$t.csv")
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/meta.txt"
java -cp "$jar" io.flexsc.bench.ResultsTable "${csvs[@]}" | tee "$out/table.md"
echo "results: $out"
